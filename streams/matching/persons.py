"""From a person in an event (`streams.events.EventPerson`) to a matcher record.

The record has the columns of `persons.toml` beside this file:
- `name`: every spelling the source holds (Thai script is romanised by `name_key` when compared);
- `date_of_birth`: `(date, precision)`; when only an age is given, the birth year it implies on
  the event's date, marked Estimated (so it can only agree "within 1 year");
- `sex`, `nationality` (Unknown sex counts as missing);
- `province`: the event's (ISO 3166-2:TH), when the caller gives it: a person is mostly met where
  they live or work, so the same province is some evidence and another province some against
  (on the simulator's persons: m 0.94, u 0.16; F1 0.91 -> 0.98 on seed 7);
- identifiers by kind: `national_id` holds Thai IDs and pink card numbers together (the same
  13-digit numbering: a migrant's pink card number may be filed as either), then `passport`,
  `work_permit`, `border_pass`, `phone`, `other_id`.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

from streams.events import EventPerson
from streams.matching.params import Parameters
from streams.matching.spec import Spec, parse_spec

__all__ = ["person_record", "persons_spec", "persons_text", "load_persons_parameters", "PERSON_COLUMNS",
           "PARAMETERS_FILE"]

_ID_COLUMNS = {
    "ThaiId": "national_id", "PinkCard": "national_id", "NonThaiId": "national_id", "Passport": "passport",
    "Seabook": "other_id", "CertificateOfIdentity": "other_id",
    "WorkPermit": "work_permit", "BorderPass": "border_pass", "Phone": "phone", "Other": "other_id",
}
PARAMETERS_FILE = "persons.params.json"
PERSON_COLUMNS = ("name", "date_of_birth", "sex", "nationality", "province", *dict.fromkeys(_ID_COLUMNS.values()))


def persons_text() -> str:
    """The text of `streams/matching/persons.toml` (package data)."""
    return resources.files("streams.matching").joinpath("persons.toml").read_text(encoding="utf-8")


def persons_spec() -> Spec:
    """The default spec for agency persons (`streams/matching/persons.toml`)."""
    return parse_spec(persons_text())


def load_persons_parameters() -> Parameters:
    """The stored m/u and prior for `persons_spec()` (`persons.params.json`, package data).

    Estimated on the simulator's multi-agency persons (`python -m bench.er_simulator
    --write-parameters`, seeds and options in the file's notes); its `version` is what the
    worker publishes as `matcher_version`. Raises `SpecError` when persons.toml changed since
    (the spec digest differs): estimate them again."""
    text = resources.files("streams.matching").joinpath(PARAMETERS_FILE).read_text(encoding="utf-8")
    params = Parameters.from_json(text)
    params.check(persons_spec())
    return params


def person_record(person: EventPerson, *, occurred_at: date | None = None,
                  province: str | None = None) -> dict[str, Any]:
    """The matcher record of one event person; `occurred_at` (the event's day, or its time: the
    worker gives UTC) dates a given age, `province` is the event's (`Event.province`)."""
    record: dict[str, Any] = {column: [] for column in PERSON_COLUMNS}
    record["name"] = list(person.names)
    if person.date_of_birth is not None:
        precision = person.dob_precision
        record["date_of_birth"] = [(person.date_of_birth, "Estimated" if precision == "Unknown" else precision)]
    elif person.age_years is not None and occurred_at is not None:
        record["date_of_birth"] = [(date(occurred_at.year - int(person.age_years), 1, 1), "Estimated")]
    record["sex"] = [person.sex] if person.sex and person.sex != "Unknown" else []
    record["nationality"] = [person.nationality] if person.nationality else []
    record["province"] = [province] if province else []
    for kind, value in person.identifiers:
        record[_ID_COLUMNS.get(kind, "other_id")].append(value)
    return record
