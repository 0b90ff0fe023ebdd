"""From a person in an event (the Avro `sanpalang.common.Person` shape) to a matcher record.

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
Dates may arrive as `date`, ISO text (JSON examples) or days since 1970 (raw Avro int).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

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
_EPOCH = date(1970, 1, 1)


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


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return _EPOCH + timedelta(days=value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 10:  # an ISO timestamp
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return date.fromisoformat(text)


def person_record(person: Mapping[str, Any], *, occurred_at: Any = None, province: str | None = None) -> dict[str, Any]:
    """The matcher record of one event person; `occurred_at` (the event's) dates a given age,
    `province` is the event's (`envelope.province`)."""
    record: dict[str, Any] = {column: [] for column in PERSON_COLUMNS}
    record["name"] = [n["full"] for n in person.get("names") or () if n.get("full")]
    born = _as_date(person.get("date_of_birth"))
    precision = person.get("dob_precision") or "Unknown"
    if born is not None:
        record["date_of_birth"] = [(born, "Estimated" if precision == "Unknown" else precision)]
    elif person.get("age_years") is not None and occurred_at is not None:
        on = _as_date(occurred_at)
        if on is not None:
            record["date_of_birth"] = [(date(on.year - int(person["age_years"]), 1, 1), "Estimated")]
    sex = person.get("sex")
    record["sex"] = [sex] if sex and sex != "Unknown" else []
    record["nationality"] = [person["nationality"]] if person.get("nationality") else []
    record["province"] = [province] if province else []
    for identifier in person.get("identifiers") or ():
        column = _ID_COLUMNS.get(identifier.get("kind"), "other_id")
        if identifier.get("value"):
            record[column].append(identifier["value"])
    return record
