"""Schema evolution: old and new producers coexist, and the guard refuses breaking changes."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import fastavro
import pytest

import schemas
from schemas import Codec, CodecError, Registry
from schemas.evolution import (EvolutionError, Problem, check, compatibility, dumps_lock, relock, stale,
                               version_of)
from schemas.guard import check_command, lock_command
from schemas.registry import canonical_form, fingerprint_hex

from .helpers import write_types

NAME = "test.evo.Sighting"
AT = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
STATUS_V1 = {"type": "enum", "name": "Status", "namespace": "test.evo", "doc": "s",
             "symbols": ["Open", "Closed"], "default": "Open"}
V1 = {"type": "record", "name": "Sighting", "namespace": "test.evo", "doc": "A sighting.", "fields": [
    {"name": "id", "type": "string", "doc": "id"},
    {"name": "seen_at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "when"},
    {"name": "status", "type": "test.evo.Status", "doc": "status"},
]}


def _v2():
    v2 = copy.deepcopy(V1)
    v2["fields"].append({"name": "note", "type": ["null", "string"], "doc": "note", "default": None})
    return v2


def _status_v2():
    return {**STATUS_V1, "symbols": ["Open", "Closed", "Escalated"]}


def _registry(tmp_path, tag, record, status):
    return Registry(write_types(tmp_path / tag, record, status))


class TestOldAndNewProducersCoexist:
    @pytest.fixture
    def v1(self, tmp_path):
        return _registry(tmp_path, "v1", V1, STATUS_V1)

    @pytest.fixture
    def v2(self, tmp_path):
        return _registry(tmp_path, "v2", _v2(), _status_v2())

    def test_new_reader_reads_old_data_with_the_default(self, v1, v2):
        old_bytes = Codec(v1, lock={}).encode(NAME, {"id": "s1", "seen_at": AT, "status": "Closed"})
        new_codec = Codec(v2, lock=relock(v1.current(), {}))
        assert new_codec.decode(old_bytes) == (NAME, {"id": "s1", "seen_at": AT, "status": "Closed", "note": None})

    def test_old_reader_reads_new_data_once_given_the_writer_schema(self, v1, v2):
        new_bytes = Codec(v2, lock={}).encode(NAME, {"id": "s2", "seen_at": AT, "status": "Escalated", "note": "x"})
        old_codec = Codec(v1, lock={})
        with pytest.raises(CodecError) as caught:
            old_codec.decode(new_bytes)
        assert caught.value.fingerprint == v2.fingerprint_hex(NAME)
        assert old_codec.add_writer_schema(v2.schema_json(NAME)) == NAME
        # the unknown field is skipped, the unknown enum symbol falls back to the enum default
        assert old_codec.decode(new_bytes) == (NAME, {"id": "s2", "seen_at": AT, "status": "Open"})

    def test_a_build_reads_every_version_in_its_lock(self, tmp_path, v1, v2):
        v3_record = _v2()
        v3_record["fields"].append({"name": "count", "type": "long", "doc": "n", "default": 0})
        v3 = _registry(tmp_path, "v3", v3_record, _status_v2())
        lock = relock(v2.current(), relock(v1.current(), {}))
        assert [v["fingerprint"] for v in lock["schemas"][NAME]] == [v1.fingerprint_hex(NAME), v2.fingerprint_hex(NAME)]
        codec = Codec(v3, lock=lock)
        old = Codec(v1, lock={}).encode(NAME, {"id": "a", "seen_at": AT, "status": "Open"})
        mid = Codec(v2, lock={}).encode(NAME, {"id": "b", "seen_at": AT, "status": "Open", "note": "n"})
        assert codec.decode(old)[1] == {"id": "a", "seen_at": AT, "status": "Open", "note": None, "count": 0}
        assert codec.decode(mid)[1] == {"id": "b", "seen_at": AT, "status": "Open", "note": "n", "count": 0}

    def test_historical_timestamps_still_decode_as_datetimes(self, v1, v2):
        old_bytes = Codec(v1, lock={}).encode(NAME, {"id": "s1", "seen_at": AT, "status": "Open"})
        assert Codec(v2, lock=relock(v1.current(), {})).decode(old_bytes)[1]["seen_at"] == AT

    def test_a_writer_schema_unknown_to_this_build_is_read_as_written(self):
        foreign = {"type": "record", "name": "Thing", "namespace": "partner.x", "fields": [{"name": "a", "type": "int"}]}
        codec = Codec()
        codec.add_writer_schema(json.dumps(foreign))
        body = io.BytesIO()
        fastavro.schemaless_writer(body, fastavro.parse_schema(foreign), {"a": 7})
        data = b"\xc3\x01" + bytes.fromhex(fingerprint_hex(canonical_form(foreign))) + body.getvalue()
        assert codec.decode(data) == ("partner.x.Thing", {"a": 7})


def _rules(old, new, **kw):
    return [(p.rule, p.path) for p in compatibility(old, new, NAME, **kw)]


def _with_field(record, field):
    changed = copy.deepcopy(record)
    changed["fields"].append(field)
    return changed


def _change_field(record, field_name, **changes):
    changed = copy.deepcopy(record)
    for field in changed["fields"]:
        if field["name"] == field_name:
            field.update(changes)
    return changed


REC = {"type": "record", "name": "Sighting", "namespace": "test.evo", "fields": [
    {"name": "id", "type": "string"},
    {"name": "count", "type": "int"},
    {"name": "score", "type": "double"},
    {"name": "note", "type": ["null", "string"], "default": None},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["Open", "Closed"]}},
    {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
    {"name": "seen_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
]}


class TestGuardRefuses:
    def test_a_field_added_without_default(self):
        assert _rules(REC, _with_field(REC, {"name": "place", "type": "string"})) == \
            [("field-added-without-default", "place")]

    def test_a_field_removed_that_had_no_default(self):
        new = copy.deepcopy(REC)
        new["fields"] = [f for f in new["fields"] if f["name"] != "count"]
        assert _rules(REC, new) == [("field-removed-without-default", "count")]

    @pytest.mark.parametrize("field, new_type", [("count", "string"), ("id", "int"), ("score", "float"),
                                                 ("score", "int"), ("seen_at", "int")])
    def test_a_type_narrowed_or_changed(self, field, new_type):
        (rule, path), = _rules(REC, _change_field(REC, field, type=new_type))
        assert path == field and rule in ("type-narrowed", "type-changed")

    def test_long_to_int_as_narrowed(self):
        old = _change_field(REC, "count", type="long")
        assert _rules(old, REC) == [("type-narrowed", "count")]

    def test_an_optional_field_made_required(self):
        assert _rules(REC, _change_field(REC, "note", type="string")) == [("type-narrowed", "note")]

    def test_an_enum_symbol_removed_without_enum_default(self):
        new = _change_field(REC, "status", type={"type": "enum", "name": "Status", "symbols": ["Open"]})
        assert _rules(REC, new) == [("enum-symbol-removed", "status")]

    def test_a_symbol_added_to_an_enum_old_readers_have_no_default_for(self):
        new = _change_field(REC, "status", type={"type": "enum", "name": "Status", "symbols": ["Open", "Closed", "X"],
                                                 "default": "Open"})
        assert _rules(REC, new) == [("enum-symbol-added-without-default", "status")]

    def test_a_union_branch_removed(self):
        old = _change_field(REC, "note", type=["null", "string", "long"])
        assert _rules(old, REC) == [("union-branch-removed", "note")]

    def test_a_record_renamed_without_alias(self):
        new = {**copy.deepcopy(REC), "name": "Observation"}
        assert _rules(REC, new) == [("renamed-without-alias", "<root>")]

    def test_a_nested_record_renamed_without_alias(self):
        old = _with_field(REC, {"name": "where", "type": {"type": "record", "name": "Place", "fields": [
            {"name": "province", "type": "string"}]}})
        new = _change_field(old, "where", type={"type": "record", "name": "Location", "fields": [
            {"name": "province", "type": "string"}]})
        assert _rules(old, new) == [("renamed-without-alias", "where")]

    def test_a_logical_type_changed(self):
        new = _change_field(REC, "seen_at", type={"type": "long", "logicalType": "timestamp-micros"})
        assert _rules(REC, new) == [("logical-type-changed", "seen_at")]

    def test_a_breaking_change_deep_inside_an_optional_record(self):
        inner = {"type": "record", "name": "Place", "fields": [{"name": "province", "type": "string"}]}
        old = _with_field(REC, {"name": "where", "type": ["null", inner], "default": None})
        new_inner = _with_field(inner, {"name": "district", "type": "string"})
        new = _change_field(old, "where", type=["null", new_inner])
        assert _rules(old, new) == [("field-added-without-default", "where.district")]

    def test_with_a_message_naming_schema_path_rule_and_fix(self):
        problem, = compatibility(REC, _with_field(REC, {"name": "place", "type": "string"}), NAME)
        text = str(problem)
        assert text.startswith(f"{NAME} place: new field place (string) has no default")
        assert "[field-added-without-default]" in text and "give the new field a default" in text

    def test_a_schema_removed_from_the_folder(self):
        lock = relock({NAME: REC}, {})
        assert [p.rule for p in check({}, lock)] == ["schema-removed"]


class TestGuardAccepts:
    @pytest.mark.parametrize("change", [
        lambda r: _with_field(r, {"name": "place", "type": ["null", "string"], "default": None}),
        lambda r: _with_field(r, {"name": "refs", "type": {"type": "array", "items": "string"}, "default": []}),
        lambda r: _change_field(r, "count", type="long"),
        lambda r: _change_field(r, "count", type="double"),
        lambda r: _change_field(r, "id", type="bytes"),
        lambda r: _change_field(r, "id", type=["null", "string"]),
        lambda r: _change_field(r, "note", type=["null", "string", "long"]),
        lambda r: _change_field(r, "note", doc="now documented"),
        lambda r: {**copy.deepcopy(r), "name": "Observation", "aliases": ["Sighting"]},
        lambda r: _change_field(r, "note", name="remark", aliases=["note"]),
    ], ids=["optional-field", "array-field-with-default", "int-to-long", "int-to-double", "string-to-bytes",
            "made-optional", "union-widened", "doc-only", "renamed-with-alias", "field-renamed-with-alias"])
    def test_compatible_changes(self, change):
        assert compatibility(REC, change(REC), NAME) == []

    def test_removing_a_field_that_had_a_default(self):
        new = copy.deepcopy(REC)
        new["fields"] = [f for f in new["fields"] if f["name"] != "note"]
        assert compatibility(REC, new, NAME) == []

    def test_symbols_added_to_an_enum_with_a_default(self):
        with_default = _change_field(REC, "status", type={**REC["fields"][4]["type"], "default": "Open"})
        more = _change_field(REC, "status", type={"type": "enum", "name": "Status", "default": "Open",
                                                  "symbols": ["Open", "Closed", "Escalated"]})
        assert compatibility(with_default, more, NAME) == []

    def test_removing_a_symbol_when_the_new_enum_has_a_default(self):
        new = _change_field(REC, "status", type={"type": "enum", "name": "Status", "symbols": ["Open"], "default": "Open"})
        assert compatibility(REC, new, NAME) == []

    def test_removing_a_field_whose_default_was_added_in_the_previous_version(self):
        v2 = _change_field(REC, "count", default=0)
        v3 = copy.deepcopy(v2)
        v3["fields"] = [f for f in v3["fields"] if f["name"] != "count"]
        lock = relock({NAME: v2}, relock({NAME: REC}, {}))
        assert check({NAME: v3}, lock) == []


class TestLock:
    def test_relock_appends_a_version_for_a_compatible_change_and_adds_new_names(self):
        lock = relock({NAME: REC}, {})
        v2 = _with_field(REC, {"name": "place", "type": ["null", "string"], "default": None})
        other = {**copy.deepcopy(REC), "name": "Other"}
        new = relock({NAME: v2, "test.evo.Other": other}, lock)
        assert len(new["schemas"][NAME]) == 2 and len(new["schemas"]["test.evo.Other"]) == 1
        assert new["schemas"][NAME][0] == lock["schemas"][NAME][0]

    def test_relock_refuses_a_breaking_change(self):
        lock = relock({NAME: REC}, {})
        with pytest.raises(EvolutionError) as caught:
            relock({NAME: _with_field(REC, {"name": "place", "type": "string"})}, lock)
        assert isinstance(caught.value.problems[0], Problem)
        assert "field-added-without-default" in str(caught.value)

    def test_a_default_only_change_updates_the_latest_version_in_place(self):
        lock = relock({NAME: REC}, {})
        changed = _change_field(REC, "count", default=0)
        assert stale({NAME: changed}, lock) == [f"{NAME}: defaults or aliases changed (same fingerprint "
                                                 f"{lock['schemas'][NAME][0]['fingerprint']})"]
        new = relock({NAME: changed}, lock)
        assert len(new["schemas"][NAME]) == 1 and stale({NAME: changed}, new) == []

    def test_versions_record_fingerprint_canonical_form_and_schema_without_docs(self):
        version = version_of(V1 | {"fields": [{**V1["fields"][0]}, {**V1["fields"][1]},
                                              {**V1["fields"][2], "type": STATUS_V1}]})
        assert version["fingerprint"] == fingerprint_hex(version["canonical"])
        assert "doc" not in json.dumps(version["schema"])

    def test_dumped_lock_is_json_with_one_line_per_schema_version(self):
        lock = relock({NAME: REC}, {})
        text = dumps_lock(lock)
        assert json.loads(text) == lock
        assert sum(1 for line in text.splitlines() if line.strip().startswith('"schema": {')) == 1

    def test_committed_lock_matches_the_current_schemas(self):
        current, lock = schemas.default_registry.current(), schemas.load_lock()
        assert check(current, lock) == []
        assert stale(current, lock) == []
        assert check_command() == (0, check_command()[1]) and "OK" in check_command()[1]

    def test_committed_lock_versions_are_consistent(self):
        for name, versions in schemas.load_lock()["schemas"].items():
            for version in versions:
                assert fingerprint_hex(version["canonical"]) == version["fingerprint"], name
                assert canonical_form(version["schema"]) == version["canonical"], name


class TestCommands:
    def test_check_and_lock_commands_in_a_fresh_folder(self, tmp_path):
        folder = write_types(tmp_path / "avro", V1, STATUS_V1)
        lock_path = tmp_path / "lock.json"
        code, text = check_command(folder, lock_path)
        assert code == 2 and "run `sanpalang schemas lock`" in text and f"{NAME}: new schema" in text
        assert lock_command(folder, lock_path)[0] == 0
        assert check_command(folder, lock_path)[0] == 0
        assert "already up to date" in lock_command(folder, lock_path)[1]

    def test_check_fails_and_lock_refuses_on_a_breaking_change(self, tmp_path):
        folder = write_types(tmp_path / "avro", V1, STATUS_V1)
        lock_path = tmp_path / "lock.json"
        lock_command(folder, lock_path)
        write_types(folder, _with_field(V1, {"name": "place", "type": "string", "doc": "p"}))
        before = lock_path.read_text()
        code, text = check_command(folder, lock_path)
        assert code == 1 and f"{NAME} place: new field place" in text
        code, text = lock_command(folder, lock_path)
        assert code == 1 and "refused" in text and lock_path.read_text() == before

    def test_check_reports_a_broken_schema_file(self, tmp_path):
        folder = tmp_path / "avro"
        folder.mkdir()
        (folder / "test.evo.Bad.avsc").write_text("{not json")
        code, text = check_command(folder, tmp_path / "lock.json")
        assert code == 1 and "test.evo.Bad.avsc: not valid JSON" in text


class TestUnresolvableWriter:
    def test_a_writer_that_cannot_be_resolved_onto_the_current_schema_says_so(self, tmp_path):
        current = Registry(write_types(tmp_path / "cur", V1, STATUS_V1))
        incompatible = copy.deepcopy(V1)
        incompatible["fields"][0]["type"] = "int"
        incompatible["fields"][2]["type"] = STATUS_V1
        codec = Codec(current, lock={})
        codec.add_writer_schema(incompatible)
        body = io.BytesIO()
        fastavro.schemaless_writer(body, fastavro.parse_schema(incompatible), {"id": 1, "seen_at": AT, "status": "Open"})
        data = b"\xc3\x01" + bytes.fromhex(fingerprint_hex(canonical_form(incompatible))) + body.getvalue()
        with pytest.raises(CodecError, match=f"cannot resolve writer schema .* of {NAME} onto this build's {NAME}"):
            codec.decode(data)
