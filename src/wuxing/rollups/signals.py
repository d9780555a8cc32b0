"""Row-level writes that change a branch's numbers refresh its rollups in the same transaction.

Targets, plan tasks and awards are saved one row at a time by many services (forms, imports,
weekly items, decisions), so they are caught here, as NetBox keeps its cached counters. Writes of
whole sets (assessment results, first weekly submissions, org changes, bulk status updates) call
the services directly where they happen.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wuxing.campaigns.models import Campaign
from wuxing.creation.models import PlanTask, Target
from wuxing.evaluation.models import Award
from wuxing.rollups import services


@receiver(post_save, sender=Target)
@receiver(post_save, sender=PlanTask)
@receiver(post_save, sender=Award)
def saved(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures and restores load rows as they were; `wuxing rollups rebuild` follows
        return
    services.branch_changed(instance.campaign_id, instance.branch_id)


@receiver(post_delete, sender=Target)
@receiver(post_delete, sender=PlanTask)
@receiver(post_delete, sender=Award)
def deleted(sender, instance, origin=None, **kwargs):
    source = origin._meta.model if hasattr(origin, "_meta") else getattr(origin, "model", None)
    if source is Campaign:
        return  # cascaded from deleting a campaign: its rollups go with it
    services.branch_changed(instance.campaign_id, instance.branch_id)
