"""Domain events (DESIGN §3): services announce what changed; subscribers registered at start-up (the
rollups, in `RollupsConfig.ready`) act on it inside the same transaction, so a rolled-back change leaves
no trace in the aggregates. Apps below the rollups never import them: they send events. No model signals
carry business effects. branch_changed, units_changed and campaign_changed also move the version numbers
(wuxing.core.versions) that caches of a branch's own pages are keyed by; a weekly report's changes of state are
moved by the weekly service itself, which makes them all.

Inside `batched()` a subscriber may fold repeated events (the rollups refresh each branch once, at the end
of the block); nested blocks leave the work to the outermost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from wuxing.core import versions

_subscribers: dict[str, list[Callable]] = defaultdict(list)
EVENTS = frozenset({"branch_changed", "report_submitted", "units_changed", "campaign_changed", "batch"})


def subscribe(event: str, handler: Callable) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown domain event {event!r}")
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def _send(event: str, *args, **kwargs) -> None:
    for handler in _subscribers[event]:
        handler(*args, **kwargs)


def branch_changed(campaign_id: int, branch_id: int, *, campaign=None, unit=None) -> None:
    """A branch's numbers may have changed (target, plan task, assessment, award). `campaign` and `unit`:
    the objects, when the sender has them loaded (saves queries)."""
    versions.touch(branch_id)
    _send("branch_changed", campaign_id, branch_id, campaign=campaign, unit=unit)


def report_submitted(report, *, branch_row: bool = True) -> None:
    """A weekly report's first submission. `branch_row=False`: the branch was refreshed after the report
    was saved, so its own row already counts it."""
    _send("report_submitted", report, branch_row=branch_row)


def units_changed(units) -> None:
    """Units were created, moved, re-classified or (de)activated."""
    versions.touch_all()
    _send("units_changed", units)


def campaign_changed(campaign) -> None:
    """A campaign year was created or its rules changed: everything it counts is recomputed."""
    versions.touch_all()
    _send("campaign_changed", campaign)


@contextmanager
def batched() -> Iterator[None]:
    """Let subscribers fold the events of a bulk write (imports, demo loads, overdue marking)."""
    with ExitStack() as stack:
        for factory in _subscribers["batch"]:
            stack.enter_context(factory())
        yield
