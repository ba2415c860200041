"""A domain leaf on a field Odoo reserves to groups (``res.partner.credit``, accounting readers
only): real 17.0 refuses the search to a user without those groups (AccessError naming the
field and its groups); real 16.0, 18.0 and 19.0 run it (checked on the real servers with the
Inventory user, Dec 2026). The administrator searches it everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmonizer.sandbox import exceptions as exc
from harmonizer.sandbox.profile import load_profile
from harmonizer.sandbox.service import SandboxServer

DB = "harmonizer_demo"
CREDIT = [("partner_invoice_id.commercial_partner_id.credit", ">", 1000)]


def _count(server: SandboxServer, version: str, login: str, model: str, domain: list) -> int:
    user = load_profile(version).user(login)
    assert user is not None
    return server.dispatch("object", "execute_kw", [DB, user.uid, user.password, model, "search_count", [domain], {}])


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0", "19.0"])
def test_the_clerk_may_search_on_credit_except_on_17(tmp_path: Path, version: str) -> None:
    server = SandboxServer(tmp_path / "home", version)
    server.ensure_database(DB)
    try:
        assert _count(server, version, "admin", "sale.order", CREDIT) == 0  # no receivables in the stand-in
        assert _count(server, version, "clerk", "sale.order", [("amount_total", ">", 1)]) >= 0
        if version != "17.0":
            assert _count(server, version, "clerk", "sale.order", CREDIT) == 0
            assert _count(server, version, "clerk", "res.partner", [("debit", ">", 0)]) == 0
            return
        clerk = load_profile(version).user("clerk")
        assert clerk is not None
        for model, domain, field in (("sale.order", CREDIT, "credit"), ("res.partner", [("debit", ">", 0)], "debit")):
            with pytest.raises(exc.AccessError) as info:
                _count(server, version, "clerk", model, domain)
            assert info.value.message == (
                "The requested operation can not be completed due to security restrictions.\n\n"
                f"Document type: Contact (res.partner)\nOperation: read\nUser: {clerk.uid}\nFields:\n"
                f"- {field} (allowed for groups 'Technical / Show Accounting Features - Readonly', "
                "'Invoicing / Billing')")
    finally:
        server.close()
