"""External IDs of site-local records: the site's marker, and how the live reader tells them apart."""

from __future__ import annotations

from harmonizer.kinds.base import site_marker
from harmonizer.kinds.registry import KINDS
from harmonizer.plan.live import LiveReader, LiveSnapshot, parse_xmlid, split_site
from harmonizer.plan.resolve import Resolver


def test_local_external_ids_carry_the_site_and_parse_back() -> None:
    carrier, param, rule = KINDS["delivery_carrier"], KINDS["system_parameter"], KINDS["reorder_rule"]
    assert carrier.xmlid_name("courier", 5, 9, "warehouse-4") == "delivery_carrier__courier__c5__swarehouse-4"
    assert param.xmlid_name("x", 5, 9, "Reno.Hub_2") == "system_parameter__x__sreno-hub-2"
    assert rule.xmlid_name("x", 5, 9) == "reorder_rule__x__w9"
    for name, base, marker in [("delivery_carrier__courier__c5__swarehouse-4", "delivery_carrier__courier__c5",
                                "swarehouse-4"),
                               ("system_parameter__x__sreno-hub-2", "system_parameter__x", "sreno-hub-2"),
                               ("server_action__send_mail", "server_action__send_mail", None),
                               ("reorder_rule__x__w9", "reorder_rule__x__w9", None),
                               ("delivery_carrier__ship__c5", "delivery_carrier__ship__c5", None)]:
        assert split_site(name) == (base, marker), name
    assert parse_xmlid(split_site("delivery_carrier__courier__c5__swarehouse-4")[0]) == (
        "delivery_carrier", "courier", "c5")
    assert site_marker("warehouse_4") == site_marker("warehouse-4")  # validate refuses such a pair in one database


def test_the_live_reader_owns_only_its_own_local_records() -> None:
    rows = [
        {"id": 1, "name": "system_parameter__shared", "model": "ir.config_parameter", "res_id": 11},
        {"id": 2, "name": "system_parameter__mine__swh1", "model": "ir.config_parameter", "res_id": 12},
        {"id": 3, "name": "system_parameter__theirs__swh2", "model": "ir.config_parameter", "res_id": 13},
        {"id": 4, "name": "delivery_carrier__courier__c5__swh1", "model": "delivery.carrier", "res_id": 14},
        {"id": 5, "name": "delivery_carrier__courier__c6__swh1", "model": "delivery.carrier", "res_id": 15},
    ]
    snap = LiveSnapshot("wh1", 17, 5, None, Resolver())
    LiveReader(None, "wh1", 17)._owned(snap, rows)  # type: ignore[arg-type]
    assert {a: (o.res_id, o.local) for a, o in snap.owned.items()} == {
        "system_parameter.shared": (11, False), "system_parameter.mine": (12, True),
        "delivery_carrier.courier": (14, True)}
    # every harmonizer record counts as managed (never a lookalike), whoever owns it
    assert snap.managed["ir.config_parameter"] == {11, 12, 13}
