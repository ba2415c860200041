"""Change safety around plan and apply: what makes a reviewed plan safe to run in production.

- ``fingerprint``: fingerprints of the live values and rendered templates a plan was made from
  (saved plans are refused at apply when they no longer match).
- ``lock``: one apply at a time per Odoo database, through a record in that Odoo.
- ``audit``: one record per site apply, in a local log and in the site's own Odoo.
- ``rollback``: an ordinary plan restoring the before-values an apply recorded.
- ``adopt``: importing (binding) existing records, forgetting records, lookalike detection.
- ``export``: template YAML from the live records of a pilot site.
- ``protect``: ``--target``, ``prevent_destroy`` and the ``--allow-delete`` rule.

Everything here returns data or raises ``HarmonizerError``; nothing prints.
"""
