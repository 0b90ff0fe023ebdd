"""The agencies' value helpers give exactly what the reference code gives: the per-character loop,
json.dumps and uuid.uuid5, uncached calls. Speed must not change an event id nor an error message."""

import hashlib
import json
import math
import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.agencies import _common, _values
from connectors.agencies._common import EVENT_NAMESPACE, content_version, event_id
from connectors.agencies._values import clean_text, vocab_key
from connectors.normalise import NormaliseError, thai_digits_to_ascii
from connectors.normalise._text import FAST_BLOCKS

NEVER = re.compile("(?!)")
ALPHABET = ("abcXYZ 019 éß\u0301 -_.'/:;|\t\n\r\x0b\x1c\x85\xa0\u2028\u2029\u3000\u200b\ufeff\u00ad\x00\ue000\u0378"
            "กขนมยรอะาำิีุเแโ่้็์\u0e4d\u0e32๐๑๙ ကမ\u103a ຄກ ក\u17b6 \u1ec7\U0001F600\ud800")
TEXTS = st.text(alphabet=ALPHABET, max_size=60)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _outcome(fn, *args, **kwargs):
    try:
        return ("value", fn(*args, **kwargs))
    except NormaliseError as err:
        return ("error", str(err))


class TestCleanText:
    def test_a_whole_number_reads_as_its_digits_every_time_and_a_flag_is_still_refused(self):
        assert [clean_text(2, "version") for _ in range(3)] == ["2", "2", "2"]
        with pytest.raises(NormaliseError, match="expected text, got bool"):   # not cached as 1
            clean_text(True, "flag")

    def test_a_whole_number_too_long_names_the_callers_field_each_time(self):
        for _ in range(2):
            with pytest.raises(NormaliseError, match="^id <int>: is 121 characters long"):
                clean_text(10 ** 120, "id", 100)

    @pytest.mark.parametrize("multiline", [False, True])
    def test_translates_every_character_it_accepts_as_the_loop_does(self, multiline):
        plain, table = _values._fast(multiline)
        for low, high in FAST_BLOCKS:
            for code in range(low, high + 1):
                ch = chr(code)
                reference = _outcome(_values._kept, ch, "f", ch, multiline)
                if plain.fullmatch(ch):
                    assert reference == ("value", ch.translate(table)), hex(code)
                else:
                    assert reference[0] == "error", hex(code)

    @SETTINGS
    @given(st.one_of(TEXTS, st.integers(), st.booleans(), st.none()), st.sampled_from([3, 100, 200, 4000]),
           st.booleans())
    def test_gives_what_the_uncached_character_loop_gives_first_and_again(self, value, max_length, multiline):
        with mock.patch.object(_values, "_fast", lambda multiline: (NEVER, {})):
            reference = _outcome(_values._clean_text, value, "f", max_length, multiline)
        for field in ("f", "f", "g"):
            expected = reference if field == "f" else _outcome(_values._clean_text, value, field, max_length,
                                                                multiline)
            assert _outcome(clean_text, value, field, max_length, multiline=multiline) == expected


def _reference_vocab_key(text):
    folded = unicodedata.normalize("NFC", thai_digits_to_ascii(text)).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-.")


def _reference_canonical(value, depth):
    if depth > 40:
        return repr(value)
    if isinstance(value, Mapping):
        return [[str(k), _reference_canonical(v, depth + 1)]
                for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, (list, tuple)):
        return [_reference_canonical(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _reference_version(fields):
    canonical = json.dumps(_reference_canonical(fields, 0), ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXTS, st.dates())
FIELDS = st.recursive(st.dictionaries(st.one_of(TEXTS, st.integers()), SCALARS, max_size=6),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(TEXTS, inner, max_size=3)), max_leaves=20)


def _deep(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value, "n": 1}
    return value


class TestIdsAndVersions:
    @SETTINGS
    @given(TEXTS)
    def test_vocabulary_keys_are_the_loops(self, text):
        assert vocab_key(text) == _reference_vocab_key(text) == vocab_key(text)

    @SETTINGS
    @given(st.lists(st.one_of(TEXTS, st.text()), min_size=5, max_size=5))
    def test_event_ids_are_uuid5_of_the_json_array(self, parts):
        name = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        try:
            expected = str(uuid.uuid5(EVENT_NAMESPACE, name))
        except UnicodeEncodeError:  # a lone surrogate: neither can name it
            with pytest.raises(UnicodeEncodeError):
                event_id(*parts)
            return
        assert event_id(*parts) == expected

    def test_event_ids_of_other_values_are_still_those_of_their_json(self):
        expected = str(uuid.uuid5(EVENT_NAMESPACE, json.dumps(["labour", "S", None, 2, "E"], ensure_ascii=False,
                                                                separators=(",", ":"))))
        assert event_id("labour", "S", None, 2, "E") == expected  # type: ignore[arg-type]

    @SETTINGS
    @given(FIELDS)
    def test_content_versions_are_the_digest_of_the_reference_json(self, fields):
        assert content_version(fields) == _reference_version(fields)

    @SETTINGS
    @given(st.dictionaries(TEXTS, TEXTS, max_size=14))
    def test_content_versions_of_rows_of_texts_are_the_digest_of_the_reference_json(self, fields):
        assert content_version(fields) == _reference_version(fields)

    def test_content_versions_of_rows_with_a_text_subclass_or_no_field_are_the_references(self):
        class Label(str):
            def __str__(self) -> str:
                return "other"
        for fields in ({}, {"a": Label("x"), "b": "y"}, {Label("k"): "v", "a": "w"}):
            assert content_version(fields) == _reference_version(fields)

    def test_rows_of_one_column_layout_in_any_order_or_with_other_values_are_the_references(self):
        rows = [{"b": "1", "a": "2", "ค": "3"}, {"a": "2", "ค": "3", "b": "1"}, {"b": "x\n\"y", "a": "", "ค": "z"},
                {"b": 1, "a": "2", "ค": "3"}, {"b": None, "a": "2", "ค": "3"}, {"b": "1", "a": ["2"], "ค": "3"},
                {1: "1", "a": "2", "ค": "3"}]
        for fields in rows * 2:   # the second time, the layouts are known
            assert content_version(fields) == _reference_version(fields)
        assert content_version(rows[0]) == content_version(rows[1])

    @pytest.mark.parametrize("depth", [38, 39, 40, 41, 42])
    def test_content_versions_of_deep_records_too(self, depth):
        assert content_version(_deep(depth)) == _reference_version(_deep(depth))

    def test_uuid5_text_is_uuid5(self):
        for name in ("", "a", "ไทย", "x" * 1000):
            assert _common.uuid5_text(EVENT_NAMESPACE, name) == str(uuid.uuid5(EVENT_NAMESPACE, name))


BANGKOK = timezone(timedelta(hours=7))


class TestEventDay:
    def test_the_bangkok_date_of_a_moment_is_astimezones_for_equal_instants_in_any_zone(self):
        utc_evening = datetime(2025, 3, 4, 17, 30, tzinfo=timezone.utc)   # 00:30 on the 5th in Bangkok
        same_instant = utc_evening.astimezone(timezone(timedelta(hours=-5)))
        for moment in (utc_evening, same_instant, utc_evening - timedelta(hours=1)):
            head = _common.Head("labour", "S", "r", "v", "TH-74", moment, moment)
            assert head.as_of == moment.astimezone(_common.BANGKOK).date()
        assert _common.Head("labour", "S", "r", "v", "TH-74", same_instant, same_instant).as_of == date(2025, 3, 5)

    def test_a_record_without_a_moment_has_no_date(self):
        assert _common.Head("labour", "S", "r", "v", "TH-74", None, None).as_of is None
