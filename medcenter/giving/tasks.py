"""Background work for Give Now: thin wrappers around services, run by the task worker or cron."""

from __future__ import annotations

from django_tasks import task

from medcenter.giving import webhooks
from medcenter.giving.gateways import active_name


@task()
def sync_gateway_events() -> int:
    """Apply gateway events that no webhook delivered (run every few minutes)."""
    return webhooks.sync_events(gateway_name=active_name())
