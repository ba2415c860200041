"""Helpers for replaying the captured Odoo transcripts against the stand-in.

``transcripts`` reads and decodes the reference captures; ``fixture`` builds the replay
database; ``harness`` maps ids, re-encodes requests and compares answers. Test modules add
this folder's parent to ``sys.path`` and import ``replay.<module>``.
"""
