"""The simulator's fixed-seed scenario as the hub sees it, and the hub's alerts scored against its truth.

`scenario_feed(seed)` gives the intake publications of every feed record in delivery order (read
and routed by the real sources' pure code and the agency mappings) and the truth file.
`score_alerts(truth, alerts, links)` maps each alert's subject back to the true person (through
the person links: a hub person is the true person most of its source persons are) or the true
organisation, and compares the (rule, subject) pairs with the truth's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["SCENARIO_START", "scenario_feed", "score_alerts", "org_keys", "run_pure", "run_true_identities",
           "alerts_with_true_identities"]

SCENARIO_START = datetime(2025, 3, 1, tzinfo=timezone(timedelta(hours=7)))


def scenario_feed(seed: int = 7, *, start_at: datetime = SCENARIO_START, lifecycle: bool = True, **options: Any):
    """(publications in delivery order, truth). Options go to `simulator.generate`; the
    benchmark's feed has the lifecycle stories (`lifecycle`: custody hand-overs, transfers,
    absconding, charged victims, overdue vessels, repatriations through an IDC)."""
    from simulator import generate
    from simulator.offline import read_all
    feed = generate(seed, start_at=start_at, lifecycle=lifecycle, **options)
    publications = [p for read in read_all(feed, batch=40).values() for p in read.publications]
    return publications, feed.truth


def org_keys(truth: Mapping[str, Any]) -> dict[str, str]:
    """Truth organisation id -> the hub's organisation key."""
    from streams.cases import org_key
    from streams.events import EventOrganisation
    keys = {}
    for oid, org in truth["organisations"].items():
        found = org_key(EventOrganisation(oid, org["kind"], org["name"], org["registration"],
                                          org["vessel_registration"], None, org["province"]), org["province"])
        if found is not None:
            keys[oid] = found.key
    return keys


def _survivors(links: Iterable[Mapping[str, Any]]) -> Callable[[str], str]:
    """A person id -> the id it was merged into at last (links name merges in `merged_from`; a
    link published before a merge keeps the old id)."""
    parent: dict[str, str] = {}
    for link in links:
        for merged in (link.get("merged_from") or "").split(","):
            if merged and merged != link["person_id"]:
                parent[merged] = link["person_id"]

    def final(person_id: str) -> str:
        seen = set()
        while person_id in parent and person_id not in seen:
            seen.add(person_id)
            person_id = parent[person_id]
        return person_id
    return final


def _event_ids(truth: Mapping[str, Any]) -> dict[str, str]:
    """Truth record ref -> the event id the hub saw, for every record meant for intake.

    The truth leaves it out for immigration rows (their version is `updated_at` as the database
    returns it, which a real database may render otherwise); the scenario's feed is read offline,
    where the version is the one the truth records, so the id follows from it. Without them the
    342 immigration rows of seed 7 (detentions, deportations, crossings) were left out of every
    score, and an alert on a person only immigration saw (a minor in an IDC) mapped to no true person."""
    from connectors.agencies import event_id
    return {r["ref"]: r.get("event_id") or event_id(r["agency"], r["system"], r["record_id"], r["version"],
                                                     r["event_type"])
            for r in truth["records"] if r.get("expect") == "intake"}


def _true_of(truth: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(event id, event person ref) -> true person id."""
    ids = _event_ids(truth)
    return {(ids[r["ref"]], p["ref"]): p["person"] for r in truth["records"] if r["ref"] in ids for p in r["persons"]}


def _votes(truth: Mapping[str, Any], links: list[Mapping[str, Any]]) -> tuple[dict[str, Counter], Callable[[str], str]]:
    """Hub person (after every merge) -> how many of its source persons each true person is."""
    true_of = _true_of(truth)
    final = _survivors(links)
    votes: dict[str, Counter] = {}
    for link in links:
        true = true_of.get((link["source_event_id"], link["person_ref"]))
        if true is not None:
            votes.setdefault(final(link["person_id"]), Counter())[true] += 1
    return votes, final


def _true_persons(truth: Mapping[str, Any], links: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Hub person id (and every id merged into it) -> the true person most of its source persons are."""
    links = list(links)
    votes, final = _votes(truth, links)
    decided = {hub: counter.most_common(1)[0][0] for hub, counter in votes.items()}
    ids = {link["person_id"] for link in links} | {m for link in links for m in (link.get("merged_from") or "").split(",") if m}
    return {pid: decided[final(pid)] for pid in ids if final(pid) in decided}


def score_alerts(truth: Mapping[str, Any], alerts: Iterable[Mapping[str, Any]],
                 links: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Alert precision and recall: an alert counts when its (rule, true subject) is in the truth,
    each truth alert at most once. Alerts resolved as merged (superseded by another id) are left out.
    An *optional* truth alert (the records do not tell its person apart: `simulator.rules`) is
    neither expected nor extra; `optional` says how many of them were raised.
    `per_rule`: expected, raised, matched, missed, extra for each rule; `attribution`: each missed
    or extra alert with its cause (`matcher` or `rules`, see `_attribute`)."""
    links = list(links)
    alerts = [a for a in alerts if a.get("resolution") != "merged"]
    keys = {v: k for k, v in org_keys(truth).items()}
    persons = _true_persons(truth, links)
    expected = Counter(_rule_subject(a) for a in truth["alerts"] if not a.get("optional"))
    optional = {_rule_subject(a) for a in truth["alerts"] if a.get("optional")}
    raised = Counter((a["rule_number"], persons.get(a["subject"]) or keys.get(a["subject"]) or a["subject"])
                     for a in alerts)
    got = Counter({k: n for k, n in raised.items() if k not in optional})
    matched = sum((expected & got).values())
    total_got, total_expected = sum(got.values()), sum(expected.values())
    missed, extra = sorted(map(list, (expected - got).elements())), sorted(map(list, (got - expected).elements()))
    per_rule = {}
    for rule in sorted({r for r, _ in expected} | {r for r, _ in got}):
        e = Counter({k: v for k, v in expected.items() if k[0] == rule})
        g = Counter({k: v for k, v in got.items() if k[0] == rule})
        per_rule[str(rule)] = {"expected": sum(e.values()), "raised": sum(g.values()), "matched": sum((e & g).values()),
                               "missed": sum((e - g).values()), "extra": sum((g - e).values())}
    return {"alert_precision": matched / total_got if total_got else 1.0,
            "alert_recall": matched / total_expected if total_expected else 1.0,
            "alerts_expected": total_expected, "alerts_raised": total_got, "alerts_matched": matched,
            "matched": sorted(map(list, (expected & got).elements())), "missed": missed, "unexpected": extra,
            "optional": {"declared": len(optional), "raised": sum(1 for k in raised if k in optional)},
            "per_rule": per_rule, "attribution": _attribute(truth, links, alerts, persons, missed, extra)}


def _rule_subject(alert: Mapping[str, Any]) -> tuple[int, str]:
    return alert["rule"], alert["subject"].get("person") or alert["subject"]["organisation"]


def _attribute(truth: Mapping[str, Any], links: list[Mapping[str, Any]], alerts: list[Mapping[str, Any]],
               persons: Mapping[str, str], missed: list, extra: list) -> list[dict[str, Any]]:
    """Why each missed or extra alert is so: `matcher` when its person was not joined (a true person
    split over several hub persons: a missed alert) or joined with another (a hub person holding
    several true persons: an extra alert); `rules` otherwise (the fold or the rules)."""
    votes, final = _votes(truth, links)
    hubs_of: dict[str, set[str]] = {}
    for hub, counter in votes.items():
        for true in counter:
            hubs_of.setdefault(true, set()).add(hub)
    out = []
    for rule, subject in missed:
        hubs = hubs_of.get(subject, set())
        split = len(hubs) > 1
        taken = sorted({t for h in hubs for t in votes[h]} - {subject})
        why = (f"the true person is {len(hubs)} hub persons (not joined)" if split else
               f"joined with {', '.join(taken)}: their events changed the case" if taken else
               "an organisation: the fold or the rules missed it" if subject in truth["organisations"] else
               "one true person, one hub person: the fold or the rules missed it")
        out.append({"kind": "missed", "rule": rule, "subject": subject,
                    "cause": "matcher" if split or taken else "rules", "why": why})
    raised: dict[tuple, list[str]] = {}
    for a in alerts:
        key = (a["rule_number"], persons.get(a["subject"]) or a["subject"])
        raised.setdefault(key, []).append(final(a["subject"]))
    crews: dict[str, set[str]] = {}          # organisation -> the true persons of its records (a vessel's crew)
    for record in truth["records"]:
        for org in record["organisations"]:
            crews.setdefault(org["organisation"], set()).update(p["person"] for p in record["persons"])
    for rule, subject in extra:
        mixed = [h for h in raised.get((rule, subject), []) if len(votes.get(h, ())) > 1]
        split = len(hubs_of.get(subject, ())) > 1
        crew_wrong = sorted(p for p in crews.get(subject, ()) if len(hubs_of.get(p, ())) > 1
                            or any(len(votes[h]) > 1 for h in hubs_of.get(p, ())))
        if crew_wrong and not (mixed or split):
            out.append({"kind": "extra", "rule": rule, "subject": subject, "cause": "matcher",
                        "why": f"persons of its records are not joined, or joined with others ({', '.join(crew_wrong)})"})
            continue
        why = (f"its hub person joins {len(votes[mixed[0]])} true persons (" + ", ".join(sorted(votes[mixed[0]])) + ")"
               if mixed else f"the true person is {len(hubs_of[subject])} hub persons (not joined): one of them "
               "lacks the others' events" if split else "one true person, one hub person: the fold or the rules raised it")
        out.append({"kind": "extra", "rule": rule, "subject": subject, "cause": "matcher" if mixed or split else "rules",
                    "why": why})
    return out


def score_persons(truth: Mapping[str, Any], links: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the hub's persons (after every merge) against the true
    persons, over the source persons of the truth's records."""
    from streams.matching import pairwise_scores
    links = list(links)
    final = _survivors(links)
    true_of = _true_of(truth)
    pairs = [(final(link["person_id"]), true_of[(link["source_event_id"], link["person_ref"])]) for link in links
             if (link["source_event_id"], link["person_ref"]) in true_of]
    scores = pairwise_scores([p for p, _ in pairs], [t for _, t in pairs])
    return {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1, "source_persons": len(pairs)}


def score_cases(truth: Mapping[str, Any], views: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of the hub's cases against the true cases, over the events
    of the truth's cases that the hub put in a case (merged-away views left out)."""
    from streams.matching import pairwise_scores
    event_of = _event_ids(truth)
    true_case = {event_of[ref]: case["case"] for case in truth["cases"] for ref in case["records"] if ref in event_of}
    hub_case = {entry["event_id"]: view["case_id"] for view in views if not view.get("merged_into")
                for entry in view["timeline"]}
    events = sorted(set(true_case) & set(hub_case))
    scores = pairwise_scores([hub_case[e] for e in events], [true_case[e] for e in events])
    return {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1, "events": len(events),
            "true_case_events": len(true_case)}


def run_pure(seed: int = 7, lifecycle: bool = True) -> dict[str, Any]:
    """The scenario through the pure correlator (no broker, no worker): the lane the bench's worker
    records with `--clock event` - every intake event in delivery order, then `flush`. Far faster
    than `sanpalang bench scenario`, for iterating over many seeds; the bench gives the final figures."""
    from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, Correlator
    from streams.worker.lane import FLUSH, feed
    publications, truth = scenario_feed(seed, lifecycle=lifecycle)
    correlator = Correlator()
    outputs = [o for value in [*(p.value for p in publications if not p.dead_letter), FLUSH]
               for o in feed(correlator, value)]
    alerts = {o.key: o.record for o in outputs if o.topic == ALERTS_TOPIC}
    links = {o.key: o.record for o in outputs if o.topic == LINKS_TOPIC}
    result = score_alerts(truth, alerts.values(), links.values())
    views = {o.key: o.record for o in outputs if o.topic == CASES_TOPIC}
    result.update(seed=seed, events=sum(1 for p in publications if not p.dead_letter), mode="pure correlator",
                  persons=score_persons(truth, links.values()), cases=score_cases(truth, views.values()))
    return result


def run_true_identities(seed: int = 7, lifecycle: bool = True) -> dict[str, Any]:
    """The rules alone, scored as `run_pure` is: every miss or extra here is the fold's or the rules'."""
    truth, alerts, events = alerts_with_true_identities(seed, lifecycle)
    result = score_alerts(truth, alerts.values(), [])
    result.update(seed=seed, events=events, mode="the rules with the true identities")
    return result


def alerts_with_true_identities(seed: int = 7, lifecycle: bool = True) -> tuple[dict[str, Any], dict[str, Any], int]:
    """(truth, the latest alerts by id, events): every mapped event of the feed with the truth's
    person ids (what a perfect matcher would give), in event-time order through the fold and the
    rules, then a tick at the last event's time."""
    from simulator import generate
    from simulator.offline import read_all
    from streams.events import Event
    from streams.rules import Hub, on_event, on_tick
    feed = generate(seed, start_at=SCENARIO_START, lifecycle=lifecycle)
    truth = feed.truth
    persons = {r["ref"]: r["persons"] for r in truth["records"]}
    events = []
    for ref, read in read_all(feed, batch=40).items():
        if read.event is not None and read.event.schema != "sanpalang.social.PreventionActivity":
            event = Event.of(read.event.schema, read.event.record)
            ids = {(event.event_id, p["ref"]): p["person"] for p in persons[ref]}
            events.append((event.occurred_at, ref, event, ids))
    hub, alerts = Hub(), {}
    for at, _, event, ids in sorted(events, key=lambda e: (e[0], e[1])):
        alerts.update((a["alert_id"], a) for a in on_event(hub, event, ids, at).alerts)
    alerts.update((a["alert_id"], a) for a in on_tick(hub, max(e[0] for e in events)).alerts)
    return truth, alerts, len(events)
