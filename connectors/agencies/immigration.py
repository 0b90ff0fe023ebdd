"""Immigration: rows of the Immigration Bureau's tables, read by the SQL source.

`origin.stream` is the table (`crossings`, `detentions`, `deportations`; a schema prefix is
ignored); one row -> one event (shapes in NATIVE.md, DDL and rows in `examples/immigration.sql`).
The record id is `<table>/<id>`, the version the row's `updated_at` as written.
"""

from __future__ import annotations

from typing import Any, Mapping

from connectors.mapping.envelope import Head, Translation, finish, read_head
from connectors.mapping.fields import FieldReader, vocab_key
from connectors.mapping.people import PersonFields, build_person, document
from connectors.mapping.vocab import table
from connectors.records import Event, MappingError, Origin

__all__ = ["AGENCY", "TABLES", "map_record", "translate"]

AGENCY = "immigration"
TABLES = {"crossings": "IMM-BORDER", "detentions": "IDC-REG", "deportations": "IDC-REG"}
PERSON = PersonFields(given="first_name", family="last_name", name="name_th", dob="birth_date", sex="sex",
                      nationality="nationality")
_DOC_TYPES = table({"Passport": ["PASSPORT", "PP", "หนังสือเดินทาง"], "BorderPass": ["BORDER_PASS", "BP"],
                    "PinkCard": ["PINK_CARD", "บัตรชมพู"], "ThaiId": ["ID_CARD", "บัตรประชาชน"],
                    "NonThaiId": ["NON_THAI_ID", "บัตรประจำตัวบุคคลที่ไม่มีสัญชาติไทย"],
                    "Seabook": ["SEABOOK", "SEAMAN_BOOK", "SEAFARER_BOOK", "หนังสือคนประจำเรือ"],
                    "CertificateOfIdentity": ["CI", "CERTIFICATE_OF_IDENTITY", "เอกสารรับรองบุคคล"],
                    "WorkPermit": ["WORK_PERMIT"], "Other": ["TRAVEL_DOC", "OTHER"]})
_DIRECTIONS = table({"In": ["IN", "ARRIVAL", "ENTRY", "เข้า"], "Out": ["OUT", "DEPARTURE", "EXIT", "ออก"]})
_STATUSES = table({"SCHEDULED": ["กำหนดการ"], "EXECUTED": ["DONE", "ดำเนินการแล้ว"],
                   "CANCELLED": ["CANCELED", "ยกเลิก"], "HELD": ["ON_HOLD", "ระงับ", "ชะลอ"]})


def map_record(fields: Mapping[str, Any], origin: Origin) -> list[Event]:
    """The immigration mapper for `connectors.routing.route`."""
    return list(translate(fields, origin).events)


def table_of(origin: Origin) -> str:
    """'imm."crossings"' -> 'crossings'."""
    return origin.stream.rsplit(".", 1)[-1].strip().strip('"`[]').lower()


def translate(fields: Mapping[str, Any], origin: Origin) -> Translation:
    name = table_of(origin)
    if name not in TABLES:
        raise MappingError([f"table {origin.stream!r} is not an immigration table the hub reads "
                            f"(expected {', '.join(TABLES)})"], code="unknown-kind")
    r = FieldReader.of(fields)
    row_id = r.ident("id", required=True)
    occurred = {"crossings": "crossed_at", "detentions": "admitted_at"}.get(name, "updated_at")
    if name == "detentions" and r.given("released_at"):
        occurred = "released_at"
    if name == "deportations" and _status(r) == "EXECUTED":
        occurred = "executed_at"
    head = read_head(r, AGENCY, TABLES[name], record_id=None, record_id_value=f"{name}/{row_id}",
                     version=("updated_at",), occurred=occurred, recorded=("updated_at",), province="province_code",
                     case={"detentions": "detention_no", "deportations": "deportation_no"}.get(name))
    if not r.given("updated_at") and occurred != "updated_at":
        r.missing("updated_at", "the row's update time (its version)")
    kind = r.choice("doc_type", _DOC_TYPES, "PASSPORT, BORDER_PASS, PINK_CARD, NON_THAI_ID, "
                    "SEABOOK, CI, ID_CARD, WORK_PERMIT or TRAVEL_DOC", required=name == "crossings", other="Other")
    person = build_person(r, "p1", "Other", PERSON, head.as_of, official_latin=kind == "Passport")
    doc = None
    if kind and r.given("doc_no"):
        country = (r.country("doc_country", lenient=True) or person["nationality"]) \
            if kind in ("Passport", "BorderPass", "Seabook", "CertificateOfIdentity", "Other") else None
        doc = document(r, "doc_no", kind, country)
    if doc and all((i["kind"], i["value"]) != (doc["kind"], doc["value"]) for i in person["identifiers"]):
        person["identifiers"].append(doc)
    return _BUILDERS[name](r, head, person, (kind, doc))


def _status(r: FieldReader) -> str | None:
    value = r.get("status")
    return _STATUSES.get(vocab_key(value)) if isinstance(value, str) and len(value) < 40 else None


def _crossing(r: FieldReader, head: Head, person: dict[str, Any], doc) -> Translation:
    details = {"person_ref": "p1", "checkpoint": r.label("checkpoint", required=True),
               "checkpoint_code": r.ident("checkpoint_code"),
               "direction": r.choice("direction", _DIRECTIONS, "IN or OUT", required=True),
               "document_kind": doc[0] or "Other", "document_number": doc[1]["value"] if doc[1] else None,
               "foreign_country": r.country("foreign_country")}
    return finish(r, head, "BorderCrossingRecorded", details, [person])


def _detention(r: FieldReader, head: Head, person: dict[str, Any], doc) -> Translation:
    """A row without `released_at` is the admission; the row updated with it, the release (the
    admission was read at the row's earlier version)."""
    if r.given("released_at"):
        details = {"person_ref": "p1", "idc_name": r.label("idc_name", required=True),
                   "released_to": r.label("released_to")}
        return finish(r, head, "DetentionReleased", details, [person])
    details = {"person_ref": "p1", "idc_name": r.label("idc_name", required=True), "reason": r.label("reason")}
    return finish(r, head, "DetentionAdmitted", details, [person])


def _deportation(r: FieldReader, head: Head, person: dict[str, Any], doc) -> Translation:
    status = r.choice("status", _STATUSES, "SCHEDULED, EXECUTED, CANCELLED or HELD", required=True)
    destination = r.country("destination", required=True)
    checkpoint = r.label("checkpoint")
    if status in ("CANCELLED", "HELD"):
        details = {"person_ref": "p1", "halt": "Cancelled" if status == "CANCELLED" else "Held",
                   "reason": r.label("halt_reason")}
        return finish(r, head, "DeportationHalted", details, [person])
    if status == "SCHEDULED":
        details = {"person_ref": "p1", "scheduled_at": r.moment("scheduled_date", required=True),
                   "destination_country": destination, "via_checkpoint": checkpoint}
        return finish(r, head, "DeportationScheduled", details, [person])
    if r.given("checkpoint_province"):
        head.province = r.province("checkpoint_province")  # where the handover happened
    details = {"person_ref": "p1", "destination_country": destination, "via_checkpoint": checkpoint,
               "handed_over_to": r.label("handed_over_to")}
    return finish(r, head, "DeportationExecuted", details, [person])


_BUILDERS = {"crossings": _crossing, "detentions": _detention, "deportations": _deportation}
