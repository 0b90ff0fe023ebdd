"""Steps that many scenarios share: the care flow after a rescue, the identification of one person.

Every flow keeps all 14 rules quiet for the persons it handles (see `rules.py`): a shelter intake
within 10 h of a rescue, the MDT screening completed within 4 days of the intake, a support plan
within 10 h of a Possible / Actual outcome, rights informed within 6 h and a police case within 3
days of the rescue for an Actual victim. A scenario that wants a rule to fire changes one step and
declares the alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simulator.model import Organisation, Person
from simulator.story import Fact, Story, days, hours

__all__ = ["Care", "INDICATORS", "LANGUAGES", "care", "identify", "nationality_for", "rescue_at", "suspect_person",
           "victims"]

INDICATORS = ("ยึดเอกสาร", "หนี้สิน", "ทำงานเกินเวลา", "ไม่จ่ายค่าจ้าง", "ข่มขู่", "กักขัง", "หลอกลวง")
LANGUAGES = {"MMR": "พม่า", "KHM": "เขมร", "LAO": "ลาว", "THA": "ไทย"}
_NATIONALITIES = {"TH-57": ("MMR", "LAO"), "TH-63": ("MMR",), "TH-74": ("MMR", "KHM"), "TH-90": ("MMR", "KHM"),
                  "TH-10": ("LAO", "KHM", "MMR", "THA"), "TH-85": ("MMR",), "TH-20": ("KHM", "LAO", "MMR")}


def nationality_for(st: Story, province: str, migrant: bool = False) -> str:
    choices = _NATIONALITIES.get(province, ("MMR", "KHM", "LAO"))
    return st.rng.choice([n for n in choices if n != "THA"] if migrant else choices)


def victims(st: Story, province: str, count: int, *, age=(22, 45), sex: str | None = None,
            nationality: str | None = None, migrant: bool = False) -> list[Person]:
    """`count` new victims of a nationality usual in `province` (`migrant`: not Thai: the story
    detains, deports or repatriates them)."""
    return [st.person(nationality or nationality_for(st, province, migrant), age=age, sex=sex) for _ in range(count)]


@dataclass
class Care:
    """What the care flow did for one person (None where a step was skipped)."""

    person: Person
    stay: Fact | None = None
    scheduled: Fact | None = None
    outcome: Fact | None = None
    custody: Fact | None = None
    extra: dict[str, Fact] = field(default_factory=dict)


def identify(st: Story, person: Person, province: str, after: datetime, *, outcome: str = "actual",
             rights: bool = True, plan: bool = True, delay=(6, 30), wait=(12, 48)) -> Care:
    """MDT screening scheduled `delay` h after `after`, for `wait` h later; then, for Possible /
    Actual, a support plan (and for Actual rights informed)."""
    rng = st.rng
    scheduled_at = after + hours(rng.uniform(*delay))
    when = scheduled_at + hours(rng.uniform(*wait))
    scheduled = st.mdt_scheduled(scheduled_at, province, person, when)
    done = st.mdt_completed(scheduled, when + hours(rng.uniform(1, 3)), outcome)
    care = Care(person, scheduled=scheduled, outcome=done)
    if outcome in ("actual", "possible") and plan:
        care.extra["plan"] = st.social("support_plan", done.at + hours(rng.uniform(2, 10)), province, person)
    if outcome == "actual" and rights:
        care.extra["rights"] = st.social("rights_informed", done.at + hours(rng.uniform(0.5, 6)), province, person)
    return care


def care(st: Story, rescue: Fact, people: list[Person], *, custody: tuple[Person, ...] = (),
         outcome: str = "actual", police_case: bool = True, suspects: tuple[Person, ...] = (),
         linked: tuple[Organisation, ...] = (), skip_handoff: tuple[Person, ...] = (),
         no_rights: tuple[Person, ...] = (), exploitation: tuple[str, ...] = ("forced_labour",)) -> dict[str, Care]:
    """The normal flow after `rescue` for each rescued person; returns each person's Care by pid.

    Persons in `custody` are held for identification and screened within 9 h, then sheltered;
    the others are sheltered within 9 h and screened within 4 days. `skip_handoff` persons get no
    shelter intake (the scenario adds its own); `no_rights` persons are never told their rights.
    """
    rng, province, t0 = st.rng, rescue.province, rescue.at
    out: dict[str, Care] = {}
    for person in people:
        if person in custody:
            held = st.custody(t0 + hours(rng.uniform(0.5, 1.5)), province, person)
            result = identify(st, person, province, held.at, outcome=outcome, rights=person not in no_rights,
                              delay=(0.5, 1), wait=(3, 5))
            result.custody = held
            if person not in skip_handoff and outcome != "not_victim":
                result.stay = st.shelter_in(result.outcome.at + hours(rng.uniform(1, 3)), province, person)
        else:
            stay = None
            if person not in skip_handoff:
                stay = st.shelter_in(t0 + hours(rng.uniform(2, 9)), province, person)
                st.social("consent", stay.at + hours(rng.uniform(0.5, 2)), province, person, given=True,
                          scopes=("interview", "data_processing", "shelter_and_assistance"))
            result = identify(st, person, province, stay.at if stay else t0 + hours(24),
                              outcome=outcome, rights=person not in no_rights)
            result.stay = stay
            if stay and outcome == "not_victim":
                st.shelter_out(stay, result.outcome.at + hours(rng.uniform(2, 20)), "LeftVoluntarily")
        out[person.pid] = result
    if police_case and outcome == "actual":
        st.case_opened(t0 + hours(rng.uniform(12, 72)), province, people, suspects, exploitation=exploitation)
    for suspect in suspects:
        st.suspect(t0 + days(rng.uniform(1, 5)), province, suspect, [(o, o.kind.lower()) for o in linked])
    return out


def suspect_person(st: Story) -> Person:
    return st.person("THA", age=(30, 58), kind="suspect", registered=1.0)


def rescue_at(st: Story, t0: datetime, province: str, people: list[Person], suspects=(), setting: str | None = None):
    """A rescue at a premises, factory or vessel (chosen by `setting` or at random)."""
    setting = setting or st.rng.choice(("premises", "employer"))
    place = st.org({"premises": "Premises", "employer": "Employer", "vessel": "Vessel"}[setting], province)
    exploitation = ("sexual",) if setting == "premises" else ("forced_labour",)
    fact = st.rescue(t0, province, people, suspects, [(place, setting)], exploitation=exploitation,
                     atpd=st.rng.random() < 0.5)
    return fact, place, exploitation
