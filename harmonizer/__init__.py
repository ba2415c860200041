"""Harmonizer: keep many Odoo sites on one standard operating model.

Templates and site files describe desired state; harmonizer reads the live Odoo over its
external API, plans the difference field by field and applies exactly that plan.
"""

__version__ = "0.1.0"
