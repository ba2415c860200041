"""Health thresholds: when ``harmonizer health`` calls something at a site a finding.

```yaml
health:
  cron_overdue_intervals: 1        # a scheduled action whose next run is this many intervals late
  cron_failures_max: 0             # failed runs tolerated (Odoo 18+ counts them on the cron)
  approval_max_age_hours: 24       # an open approval older than this is aged
  blocked_orders_max: 0            # draft orders above a block rule's threshold
  stock_exceptions_max: 0          # open stock exception activities
  invoices_on_hold_max: 0          # vendor bills on hold (Odoo 16/17 "To Check")
  event_window_hours: 168          # the window business events are counted over
  inactive_is_finding: true        # an owned scheduled action or automation switched off
```

Values are rendered like any block (``"{{ approval_escalation_hours }}"``), so a threshold
written as a template variable is overridable per site within that variable's bounds. The
block compiles to no resource: nothing is written to Odoo. A template without the block gets
these defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from harmonizer.policy.base import BlockBody, CompiledResource


class HealthThresholds(BlockBody):
    cron_overdue_intervals: float = Field(default=1, ge=0)
    cron_failures_max: int = Field(default=0, ge=0)
    approval_max_age_hours: float = Field(default=24, gt=0)
    blocked_orders_max: int = Field(default=0, ge=0)
    stock_exceptions_max: int = Field(default=0, ge=0)
    invoices_on_hold_max: int = Field(default=0, ge=0)
    event_window_hours: float = Field(default=168, gt=0)
    inactive_is_finding: bool = True


def compile_health(_body: HealthThresholds) -> list[CompiledResource]:
    """Thresholds configure the reader, not Odoo: nothing to compile."""
    return []


def thresholds_of(policies: Mapping[str, Any]) -> HealthThresholds:
    """The thresholds a rendered site carries (``DesiredState.policies``), defaults for the rest."""
    settings = (policies.get("health") or {}).get("settings") or {}
    return HealthThresholds.model_validate(settings)
