"""Pilot metrics: does the standard work, week by week, before and after each rollout.

``run_metrics(app, selectors, weeks=12, compare=["tag=pilot", "tag=rest"])`` reads each site's
weekly figures from its live Odoo (grouped by week in Odoo; medians from one bulk read per
figure, see ``read``) and returns one frozen ``MetricsReport``. Renderers live in
``harmonizer.render.metrics_formats`` (text, JSON, Markdown, and an HTML page with charts).
"""

from harmonizer.metrics.model import FORMAT_VERSION, KIND, METRICS, MetricsReport, Period, Rollout, Series, Week
from harmonizer.metrics.run import DEFAULT_WEEKS, run_metrics

__all__ = ["DEFAULT_WEEKS", "FORMAT_VERSION", "KIND", "METRICS", "MetricsReport", "Period", "Rollout", "Series",
           "Week", "run_metrics"]
