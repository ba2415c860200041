"""The stand-in's generic ORM: field conversion, domains, search, read, write and meta methods.

``Model`` (in ``model.py``) is the object a call works on; it combines the method groups
of the sibling modules. Everything here is schema-driven; model-specific rules live in
``harmonizer.sandbox.hooks``.
"""
