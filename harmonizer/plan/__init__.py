"""Planning: read the live Odoo in bulk, compare with the desired state, produce a ``Plan``."""
