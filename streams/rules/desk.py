"""The team lead's decisions on a case (issue 13), wired to the hub like `process.on_operator` is
for alerts: the desk changes (`streams.cases.desk`), the case view is published again.

    out = on_desk(hub, case_id, partial(assign_owner, owner="officer57", by="lead57", at=at), at)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from streams.cases.desk import Desk
from streams.rules.evaluate import evaluate
from streams.rules.process import Hub, Outcome, _Out, _view

__all__ = ["on_desk"]


def on_desk(hub: Hub, case_id: str, change: Callable[[Desk | None], Desk], at: datetime) -> Outcome:
    """A team lead's decision on a case (`assign_owner`, `decide_status`, `close_case` of
    `streams.cases.desk`, partially applied): the desk changed by `change`, and the case view
    published when it changed. An unknown case (expired, merged away) changes nothing."""
    case = hub.cases.case(case_id)
    if case is None:
        return Outcome()
    old = hub.desks.get(case_id)
    new = change(old)
    out = _Out()
    if new != old:
        hub.desks[case_id] = new
        out.views[case_id] = _view(hub, case, evaluate(case, at))
    return out.outcome(case_id)
