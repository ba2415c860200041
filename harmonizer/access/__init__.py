"""Access policy checks: who can act on the rules harmonizer deploys.

``spec`` holds a site's access policy as plain data (from the template's ``access_policy``
block and the site's ``access_exceptions``), ``read`` what is read of Odoo for it (merged
into the plan's bulk reads), ``evaluate`` the pure check giving ``model.AccessFinding``s,
which plans show as warnings and drift reports as its ``access`` area. Nothing here writes:
the only change an access policy may cause is ``enforce: required_roles`` adding named
approvers to a group, planned and applied as ordinary ``user_groups`` resources.
"""
