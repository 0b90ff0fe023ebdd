"""Property: whatever an agency sends, routing gives exactly one dead letter or only intake
publications, never raises, and a dead letter never blames a bug in the mapping (`mapping-failed`)
or an event that does not fit its schema (`schema-mismatch`): the mappings refuse bad input with
a MappingError naming the problems, and whatever they accept is a valid event."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from connectors.agencies import AGENCIES, mapper_for
from connectors.agencies.immigration import TABLES
from connectors.agencies.labour import KINDS as LABOUR_KINDS
from connectors.records import MappingError, Origin, SourceRecord
from connectors.routing import route

from .examples import RECEIVED_AT, records

REFUSALS = {"invalid-record", "unknown-kind", "no-event", "not-an-object"}
NASTY = [
    "", " ", "-", "ไม่ระบุ", "null", "N/A", "\x00", "a\x00b", "\x1b[31mred", "\ufffd", "\ud800", "\u202eevil", "\u200b",
    "31/02/2561", "29/02/2562", "๓๑/๐๒/๒๕๖๑", "2561-13-01", "00/00/0000", "32 ส.ค. 2561 25:61", "9999-12-31T23:59:59Z",
    "0001-01-01", "2 ส.ค. 2561 14:30", "2025-03-01T22:30:00+07:00", "2008", "ประมาณ 2530", "อายุ 999 ปี", "-5",
    "'; DROP TABLE crossings; --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "../../etc/passwd", "{{7*7}}",
    "A" * 10_000, "ก" * 5_000, "1e309", "NaN", "Infinity", "IN", "OUT", "EXECUTED", "CANCELLED", "SCHEDULED",
    "รับเข้า", "จำหน่าย", "rescue", "custody_started", "custody_extended", "case_opened", "suspect_identified",
    "ticac_tip", "hotline", "consent", "mdt_completed", "held", "suspect", "0001634567897", "3570100012346",
    "TH-57", "เชียงราย", "99", "MMR", "กะเหรี่ยง", "081-234-5678", "1300", "ใช่", "maybe",
    "ซอ ลิน|พม่า|0001745678905|2539;|||;a|b|c|d|e", "|", ";;;", "ยึดเอกสาร;;;หนี้สิน", "x" * 300,
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), st.sampled_from(NASTY),
    st.text(alphabet="กขคงจฉชซมยรลวสหอะาิีุูเแโใไ่้๊๋็์๐๑๒๓๔๕๖๗๘๙0123456789/:.-| ;", max_size=30),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


def known_keys(agency):
    keys = set()
    for record in records(agency):
        for key, value in record.fields.items():
            keys.add(key)
            for nested in (value if isinstance(value, list) else [value]):
                keys |= set(nested) if isinstance(nested, dict) else set()
    return sorted(keys)


def origins(agency):
    if agency == "labour":
        names = [prefix + "90_25680301.csv" for prefix in LABOUR_KINDS] + ["export.csv", "PIPO_IN_.CSV", "pipo_"]
        return st.builds(Origin, st.just("file"), st.sampled_from(names) | st.text(max_size=30), st.just("line 2"))
    if agency == "immigration":
        tables = [*TABLES, "imm.crossings", "visas", ""]
        return st.builds(Origin, st.just("sql"), st.sampled_from(tables) | st.text(max_size=20), st.just("1"))
    return st.builds(Origin, st.just("http"), st.just(f"/intake/{agency}"), st.just("req item 0"))


@st.composite
def arbitrary(draw, agency):
    keys = st.sampled_from(known_keys(agency)) | st.text(max_size=20)
    return draw(origins(agency)), draw(st.dictionaries(keys, VALUES, max_size=14))


@st.composite
def mutated(draw, agency):
    """An example record with some fields dropped or replaced (at the top or inside a person)."""
    base = draw(st.sampled_from(records(agency)))
    fields = dict(base.fields)
    targets = [fields]
    for key in ("persons", "person", "victims", "caller", "premises"):
        nested = fields.get(key)
        nested = nested[0] if isinstance(nested, list) and nested else nested
        if isinstance(nested, dict):
            fields[key] = copy = dict(nested)
            if isinstance(base.fields[key], list):
                fields[key] = [copy, *base.fields[key][1:]]
            targets.append(copy)
    for target in draw(st.lists(st.sampled_from(targets), min_size=1, max_size=3)):
        if not target:
            continue
        for key in draw(st.lists(st.sampled_from(sorted(target)), max_size=3, unique=True)):
            if draw(st.booleans()):
                del target[key]
            else:
                target[key] = draw(VALUES)
    origin = draw(st.just(base.origin) | origins(agency))
    return origin, fields


def check(agency, origin, fields):
    try:  # the mapping itself raises nothing but MappingError (route would hide a ValueError as a refusal)
        mapper_for(agency)(fields, origin)
    except MappingError:
        pass
    raw = json.dumps(fields, default=repr).encode()
    publications = route(agency, SourceRecord(origin, raw, fields), mapper_for(agency), RECEIVED_AT)
    dead = [p for p in publications if p.dead_letter]
    assert publications and (not dead or len(publications) == 1)
    if dead:
        assert dead[0].reason_code in REFUSALS, schemas.decode(dead[0].value)[1]["reason"]
        assert dead[0].topic == f"dlq.{agency}.v1"
    for publication in publications:
        assert schemas.decode(publication.value)[0]
    return publications


# Kept small so this folder stays under 15 s; raise them by hand to hunt (2 500 examples per test
# found nothing when these tests were written).
ARBITRARY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAMAGED = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestAnyInputEndsInExactlyOnePlace:
    @pytest.mark.parametrize("agency", AGENCIES)
    @ARBITRARY
    @given(data=st.data())
    def test_arbitrary_fields_end_in_intake_or_one_dead_letter(self, agency, data):
        check(agency, *data.draw(arbitrary(agency)))

    @pytest.mark.parametrize("agency", AGENCIES)
    @DAMAGED
    @given(data=st.data())
    def test_damaged_real_records_end_in_intake_or_one_dead_letter_and_deterministically(self, agency, data):
        origin, fields = data.draw(mutated(agency))
        assert check(agency, origin, fields) == check(agency, origin, fields)

    @pytest.mark.parametrize("agency", AGENCIES)
    @settings(max_examples=25, deadline=None)
    @given(value=VALUES)
    def test_a_record_that_is_not_an_object_is_one_dead_letter(self, agency, value):
        origin = records(agency)[0].origin
        publications = route(agency, SourceRecord(origin, b"x", value), mapper_for(agency), RECEIVED_AT)
        if not isinstance(value, dict):
            assert len(publications) == 1 and publications[0].reason_code in REFUSALS | {"unreadable"}
