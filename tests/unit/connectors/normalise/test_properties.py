"""Property-based tests: whatever an agency sends, a normaliser returns a valid value or raises
NormaliseError (never another exception, never a hang), and valid values round-trip."""

import re
import time
from datetime import date, datetime, timedelta, timezone

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.normalise import (
    BE_OFFSET,
    MAX_CE_YEAR,
    MAX_LENGTH,
    MIN_CE_YEAR,
    SEXES,
    Age,
    NormaliseError,
    PartialDate,
    PersonName,
    name_from_parts,
    name_key,
    normalise_document_number,
    normalise_migrant_id,
    normalise_nationality,
    normalise_passport,
    normalise_phone,
    normalise_province,
    normalise_sex,
    normalise_thai_id,
    parse_age,
    parse_date,
    parse_date_of_birth,
    parse_datetime,
    parse_name,
    provinces,
    thai_id_check_digit,
)

RECORDED = date(2024, 5, 1)
PROVINCE_CODES = {p.code for p in provinces()}
THAI_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def _valid_id(value: str) -> bool:
    return bool(re.fullmatch(r"\d{13}", value)) and thai_id_check_digit(value[:12]) == int(value[12])


def _valid_phone(value: str) -> bool:
    return bool(re.fullmatch(r"\+\d{6,15}", value)) and phonenumbers.is_valid_number(phonenumbers.parse(value))


# name, call, check of a returned value
NORMALISERS = [
    ("parse_date", parse_date, lambda r: isinstance(r, date) and MIN_CE_YEAR <= r.year <= MAX_CE_YEAR),
    ("parse_datetime", parse_datetime, lambda r: isinstance(r, datetime) and r.tzinfo == timezone.utc),
    ("parse_date_of_birth", lambda v: parse_date_of_birth(v, as_of=RECORDED),
     lambda r: (isinstance(r, PartialDate) and r.date <= RECORDED) or (isinstance(r, Age) and 0 <= r.years <= 130)),
    ("parse_age", lambda v: parse_age(v, as_of=RECORDED), lambda r: isinstance(r, Age)),
    ("normalise_thai_id", normalise_thai_id, _valid_id),
    ("normalise_migrant_id", normalise_migrant_id, _valid_id),
    ("normalise_passport", normalise_passport, lambda r: bool(re.fullmatch(r"[A-Z0-9]{5,15}", r))),
    ("normalise_document_number", normalise_document_number, lambda r: bool(re.fullmatch(r"[A-Z0-9]{5,20}", r))),
    ("normalise_phone", normalise_phone, _valid_phone),
    ("normalise_phone_mmr", lambda v: normalise_phone(v, nationality="MMR"), _valid_phone),
    ("normalise_nationality", normalise_nationality, lambda r: bool(re.fullmatch(r"[A-Z]{3}", r))),
    ("normalise_province", normalise_province, lambda r: r in PROVINCE_CODES),
    ("parse_name", parse_name, lambda r: isinstance(r, PersonName) and r.given.strip() == r.given != ""),
    # without a comma ("FAMILY, Given"), a Myanmar national never gets a family name
    ("parse_name_mmr", lambda v: parse_name(v.replace(",", " ") if isinstance(v, str) else v, nationality="MMR",
                                            family_first=True),
     lambda r: isinstance(r, PersonName) and r.family is None),
    ("name_from_parts", lambda v: name_from_parts(v, v), lambda r: isinstance(r, PersonName)),
    ("name_key", name_key, lambda r: bool(re.fullmatch(r"[a-z]+( [a-z]+)*", r))),
    ("normalise_sex", normalise_sex, lambda r: r in SEXES),
]
IDS = [n for n, _, _ in NORMALISERS]

INJECTIONS = [
    "'; DROP TABLE persons--", "Robert'); DROP TABLE Students;--", "' OR '1'='1", "<script>alert(1)</script>",
    "${jndi:ldap://example.invalid/a}", "{{7*7}}", "../../etc/passwd", "%s%s%s%n", "\\x00", "NaN", "1e309",
    "-1", "0", "\u202e1234", "١٢٣", "𝟏𝟐𝟑", "Ｓｏｍｃｈａｉ", "ส.ค.ส.ค.ส.ค.", "//", "-- --", "+", "00",
]
THAI_CHARS = "กขคงจฉชซญฎฏณดตถทนบปผพฟภมยรลวศษสหอฮะัาำิีึืุูเแโใไ็่้๊๋์ๅๆฯ"
date_like = st.builds(
    lambda d, m, y, sep, mark, time_: f"{d}{sep}{m}{sep}{y}{mark}{time_}",
    st.integers(-1, 40), st.one_of(st.integers(-1, 14), st.sampled_from(THAI_ABBR + ["Aug", "สิงหาคม"])),
    st.integers(0, 3000), st.sampled_from(["/", "-", ".", " ", ""]), st.sampled_from(["", " พ.ศ.", " ค.ศ.", " AD"]),
    st.sampled_from(["", " 14:30", " 14.30 น.", "T25:61", " 2:30 pm", "+07:00", "Z", " 14:30 UTC+15"]),
)
messy_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.text(alphabet=THAI_CHARS + "๐๑๒๓๔๕๖๗๘๙0123456789 ./-:+", max_size=40),
    st.text(alphabet="0123456789 -+()/.", max_size=30),
    st.sampled_from(INJECTIONS),
    date_like,
    st.from_regex(r"[A-Za-z]{2,3}[ -]?[0-9]{4,9}", fullmatch=True),
)
non_text = st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=10), st.lists(st.integers(), max_size=3),
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _call(call, check, value):
    try:
        result = call(value)
    except NormaliseError as error:
        assert str(error) and error.reason
        return
    assert check(result), result


class TestEveryNormaliserIsTotal:
    @pytest.mark.parametrize("call, check", [(c, k) for _, c, k in NORMALISERS], ids=IDS)
    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(value=messy_text)
    def test_returns_a_valid_value_or_refuses_any_text(self, call, check, value):
        _call(call, check, value)

    @pytest.mark.parametrize("call, check", [(c, k) for _, c, k in NORMALISERS], ids=IDS)
    @settings(max_examples=25, deadline=None)
    @given(value=non_text)
    def test_refuses_non_text_values(self, call, check, value):
        if call is normalise_sex and value is None:
            assert normalise_sex(None) == "Unknown"
            return
        _call(call, check, value)

    @pytest.mark.parametrize("call", [c for _, c, _ in NORMALISERS], ids=IDS)
    @pytest.mark.parametrize("size", [MAX_LENGTH + 1, 10_000, 1_000_000])
    def test_refuses_huge_values_saying_the_limit(self, call, size):
        with pytest.raises(NormaliseError, match=f"at most {MAX_LENGTH} are accepted"):
            call("๑" * size)

    @pytest.mark.parametrize("call", [c for _, c, _ in NORMALISERS], ids=IDS)
    def test_answers_quickly_on_adversarial_text_at_the_length_limit(self, call):
        worst = ["1" * MAX_LENGTH, "1/" * (MAX_LENGTH // 2), "ส." * (MAX_LENGTH // 2), "a " * (MAX_LENGTH // 2),
                 "นาย" * (MAX_LENGTH // 3), "ณ " * (MAX_LENGTH // 2), "ประมาณ " * (MAX_LENGTH // 7),
                 "0" * (MAX_LENGTH - 1) + "x", "14:30 " * (MAX_LENGTH // 6), "ay" * (MAX_LENGTH // 2)]
        for value in worst:
            started = time.perf_counter()
            try:
                call(value)
            except NormaliseError:
                pass
            assert time.perf_counter() - started < 1.0, value


class TestRoundTrips:
    @settings(max_examples=150, deadline=None)
    @given(day=st.dates(date(MIN_CE_YEAR, 1, 1), date(MAX_CE_YEAR, 12, 31)))
    def test_every_date_reads_back_from_each_thai_form(self, day):
        be = day.year + BE_OFFSET
        assert parse_date(f"{day.day:02d}/{day.month:02d}/{be}") == day
        assert parse_date(f"{day.day} {THAI_ABBR[day.month - 1]} {be}") == day
        assert parse_date(day.isoformat()) == day
        assert parse_date(f"{be}-{day.month:02d}-{day.day:02d}") == day

    @settings(max_examples=100, deadline=None)
    @given(moment=st.datetimes(datetime(1900, 1, 2), datetime(2100, 12, 30)).map(lambda d: d.replace(second=0, microsecond=0)))
    def test_every_bangkok_time_converts_to_utc_seven_hours_earlier(self, moment):
        written = f"{moment.day:02d}/{moment.month:02d}/{moment.year + BE_OFFSET} {moment.hour:02d}.{moment.minute:02d} น."
        assert parse_datetime(written) == moment.replace(tzinfo=timezone.utc) - timedelta(hours=7)

    @settings(max_examples=150, deadline=None)
    @given(first12=st.from_regex(r"[0-9]{12}", fullmatch=True), wrong=st.integers(1, 9))
    def test_a_thai_id_is_accepted_only_with_its_own_check_digit(self, first12, wrong):
        check = thai_id_check_digit(first12)
        assert normalise_thai_id(f"{first12[0]}-{first12[1:5]}-{first12[5:10]}-{first12[10:]}-{check}") == f"{first12}{check}"
        with pytest.raises(NormaliseError, match="check digit"):
            normalise_thai_id(f"{first12}{(check + wrong) % 10}")

    @settings(max_examples=150, deadline=None)
    @given(value=st.text(alphabet="abcdefghijklmnopqrstuvwxyz -", min_size=1, max_size=40))
    def test_a_name_key_is_its_own_key(self, value):
        try:
            key = name_key(value)
        except NormaliseError:
            return
        assert name_key(key) == key

    @pytest.mark.parametrize("row", provinces(), ids=lambda p: p.code)
    def test_every_province_reads_back_from_code_thai_and_english(self, row):
        number = row.code[3:]
        for written in (row.code, number, f"จ.{row.thai}", f"จังหวัด{row.thai}", row.english.upper(), f"{row.english} Province"):
            assert normalise_province(written) == row.code
