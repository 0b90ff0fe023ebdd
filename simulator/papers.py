"""The papers persons carry beyond a Thai ID, pink card, passport and border pass (issue 13 item 3).

- Fishing crews (everyone on a PIPO crew list) mostly carry a seabook, the seafarer's book a
  PIPO centre checks.
- Some Myanmar, Cambodian and Lao migrants hold a certificate of identity (CI) instead of a
  passport; a migrant who crosses the border with no other paper crosses on one.
- Some registered non-Thai residents hold a 13-digit non-Thai ID instead of a pink card: the
  leading digit marks it (`connectors.normalise.identifiers.id13_kind`): 7 for a child born in
  Thailand to non-Thai parents, 6 for an irregular or temporary entrant, 0 (not 00) for a
  highland or stateless person of the old surveys. They keep the nationality the agencies write
  for them, so a stateless highlander looks like a migrant worker, as in the records.

The papers come from their own random stream per person (`<seed>:papers:<person id>`), after the
stories are written: the world, the facts, every other record's text and the truth's alerts stay
what they were without them (see `prevention.py` for the same pattern).
"""

from __future__ import annotations

import random
from datetime import date

from simulator.model import Person, id13
from simulator.story import Sim

__all__ = ["CREW_KINDS", "SEABOOK", "CERTIFICATE", "NON_THAI_ID", "papers"]

CREW_KINDS = ("pipo_out", "pipo_in", "pipo_finding")
SEABOOK = 0.75          # share of crew members with a seabook
CERTIFICATE = 0.3       # share of migrants without a passport who hold a CI
NON_THAI_ID = 0.15      # share of 13-digit numbers of registered migrants that are non-Thai IDs, not pink cards


def papers(sim: Sim, seed: int | str) -> None:
    """Hand out seabooks, CIs and non-Thai IDs to the persons of `sim` (see the module docstring)."""
    crew = {pid for fact in sim.facts if fact.kind in CREW_KINDS for pid, _ in fact.persons}
    bare_crossers = {pid for fact in sim.facts if fact.kind == "crossings" for pid, _ in fact.persons}
    for person in sim.world.persons.values():
        rng = random.Random(f"{seed}:papers:{person.pid}")
        draws = [rng.random() for _ in range(3)]   # always three: one person's papers never move another's
        if person.pid in crew and draws[0] < SEABOOK:
            person.seabook = f"SB{rng.randrange(10 ** 6, 10 ** 7)}"
        if not person.migrant:
            continue
        unpapered = not (person.passport or person.border_pass or person.thai_id)
        if not person.passport and (draws[1] < CERTIFICATE or (unpapered and person.pid in bare_crossers)):
            person.ci = f"CI{rng.randrange(10 ** 6, 10 ** 7)}"
        if person.thai_id and draws[2] < NON_THAI_ID:
            person.thai_id = id13(rng, _non_thai_lead(person, sim.start_at.date(), rng))


def _non_thai_lead(person: Person, on: date, rng: random.Random) -> str:
    """The leading digits of a non-Thai ID: 7 for the young (born in Thailand), else 6 or 0X."""
    if person.age_on(on) < 20:
        return "7"
    return rng.choice(("6", f"0{rng.randint(1, 9)}"))
