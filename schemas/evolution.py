"""Evolution guard: may the current schemas replace the locked ones? Pure functions.

The lock (``schemas.lock.json``) lists, per top-level schema, every released version, oldest
first: its fingerprint, its Parsing Canonical Form and its *resolution form* (the schema JSON
without docs). Canonical forms drop defaults and aliases, which schema resolution needs, hence
the third entry.

Rules (Avro schema resolution, reader = new schema, writer = each locked version):
a new reader must read all old data, so a field added without default, a type narrowed or
changed, an enum symbol removed without an enum default, a union branch removed, a named type
renamed without alias, a fixed size or logical type changed all fail. Old readers must read new
data too (against the latest version only): a field removed that had no default, or an enum
symbol added to an enum without default, fail as well.

Not avro's ``ReaderWriterCompatibilityChecker`` (avro 1.12.2, tried for issue 14): it passes a
changed namespace (it compares short names) and logical-type changes, refuses an alias written
without its namespace, reports a change inside a union's record only as a missing union branch,
and returns its problems, paths and messages as separate sets that cannot be paired into the
rule and path of each problem that ``sanpalang schemas check`` prints.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Mapping

from .registry import PRIMITIVES, canonical_form, fingerprint_hex, full_name

LOCK_FORMAT = 1
LOCK_COMMENT = ("Written by `sanpalang schemas lock`; checked by `sanpalang schemas check` (make test). "
                "Per schema, every released version, oldest first: fingerprint (CRC-64-AVRO, wire byte order), "
                "Parsing Canonical Form, and the schema without docs (defaults and aliases kept). Do not edit by hand.")
PROMOTIONS = {("int", "long"), ("int", "float"), ("int", "double"), ("long", "float"), ("long", "double"),
              ("float", "double"), ("string", "bytes"), ("bytes", "string")}
NUMERIC = ("int", "long", "float", "double")
FIXES = {
    "field-added-without-default": 'give the new field a default ("default": null with type ["null", T], [] for an array)',
    "field-removed-without-default": "keep the field, or first release a version that gives it a default, then remove it",
    "type-narrowed": "keep the old type or widen it (int -> long -> float -> double, string <-> bytes); "
                     "put the new type in a new field with a default",
    "type-changed": "keep the old type; put the new type in a new field with a default",
    "enum-symbol-removed": 'keep the symbol, or give the enum a "default" symbol that old data can fall back to',
    "enum-symbol-added-without-default": 'first release the enum with a "default" symbol, then add symbols',
    "union-branch-removed": "keep the branch in the union",
    "renamed-without-alias": 'list the old name in "aliases" of the renamed type or field',
    "fixed-size-changed": "keep the size; put the new value in a new field with a default",
    "logical-type-changed": "keep the logical type; put the new representation in a new field with a default",
    "schema-removed": "restore its .avsc: old data on the topics still uses it",
}


@dataclass(frozen=True)
class Problem:
    """One breaking change: which schema, where in it, which rule, and how to fix it."""

    schema: str
    path: str
    rule: str
    message: str

    @property
    def fix(self) -> str:
        return FIXES[self.rule]

    def __str__(self) -> str:
        where = f"{self.schema} {self.path}" if self.path else self.schema
        return f"{where}: {self.message} [{self.rule}] -> fix: {self.fix}"


class EvolutionError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("breaking schema change:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


# ------------------------------------------------------------------ lock entries
def resolution_form(schema: Any) -> Any:
    """The schema without docs: what resolution needs (defaults, aliases, logical types)."""
    return _strip_docs(schema)


def version_of(schema: Any) -> dict[str, Any]:
    pcf = canonical_form(schema)
    return {"fingerprint": fingerprint_hex(pcf), "canonical": pcf, "schema": resolution_form(schema)}


def _strip_docs(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_docs(v) if k != "default" else v for k, v in obj.items() if k != "doc"}
    if isinstance(obj, list):
        return [_strip_docs(v) for v in obj]
    return obj


def _versions(lock: Mapping[str, Any]) -> Mapping[str, list]:
    return lock.get("schemas", {}) if lock else {}


# ------------------------------------------------------------------ check / relock
def check(current: Mapping[str, Any], lock: Mapping[str, Any]) -> list[Problem]:
    """Breaking changes of ``current`` (full name -> schema) against every locked version."""
    problems: list[Problem] = []
    for name, versions in sorted(_versions(lock).items()):
        if name not in current:
            problems.append(Problem(name, "", "schema-removed", "in the lock but no longer in schemas/avro"))
            continue
        for i, version in enumerate(versions):
            old = version.get("schema") or json.loads(version["canonical"])
            latest = i == len(versions) - 1
            problems.extend(compatibility(old, current[name], name, forward=latest))
    unique: dict[tuple[str, str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.schema, problem.path, problem.rule), problem)
    return list(unique.values())


def stale(current: Mapping[str, Any], lock: Mapping[str, Any]) -> list[str]:
    """What ``relock`` would change, in words (empty when the lock matches)."""
    notes = []
    versions = _versions(lock)
    for name in sorted(current):
        version = version_of(current[name])
        if name not in versions or not versions[name]:
            notes.append(f"{name}: new schema, not in the lock")
        elif versions[name][-1]["fingerprint"] != version["fingerprint"]:
            notes.append(f"{name}: changed (fingerprint {versions[name][-1]['fingerprint']} -> {version['fingerprint']})")
        elif versions[name][-1].get("schema") != version["schema"]:
            notes.append(f"{name}: defaults or aliases changed (same fingerprint {version['fingerprint']})")
    return notes


def relock(current: Mapping[str, Any], lock: Mapping[str, Any] | None) -> dict[str, Any]:
    """The lock with a version appended per compatibly changed schema and new names added.

    Raises :class:`EvolutionError` when a change is breaking."""
    lock = lock or {}
    problems = check(current, lock)
    if problems:
        raise EvolutionError(problems)
    schemas = copy.deepcopy(dict(_versions(lock)))
    for name in sorted(current):
        version = version_of(current[name])
        history = schemas.setdefault(name, [])
        if not history or history[-1]["fingerprint"] != version["fingerprint"]:
            history.append(version)
        elif history[-1].get("schema") != version["schema"]:
            history[-1] = version
    return {"comment": LOCK_COMMENT, "format": LOCK_FORMAT, "schemas": dict(sorted(schemas.items()))}


def dumps_lock(lock: Mapping[str, Any]) -> str:
    """The lock as text: indented, each version's schema on one line (diffs stay small)."""
    def one_line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{", f'  "comment": {one_line(lock.get("comment", LOCK_COMMENT))},',
             f'  "format": {one_line(lock.get("format", LOCK_FORMAT))},', '  "schemas": {']
    names = sorted(_versions(lock))
    for i, name in enumerate(names):
        lines.append(f"    {one_line(name)}: [")
        versions = _versions(lock)[name]
        for j, version in enumerate(versions):
            lines += ["      {", f'        "fingerprint": {one_line(version["fingerprint"])},',
                      f'        "canonical": {one_line(version["canonical"])},',
                      f'        "schema": {one_line(version["schema"])}',
                      "      }" + ("," if j < len(versions) - 1 else "")]
        lines.append("    ]" + ("," if i < len(names) - 1 else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ resolution rules
def compatibility(writer: Any, reader: Any, name: str = "", *, forward: bool = True) -> list[Problem]:
    """Problems reading data written with ``writer`` (old) using ``reader`` (new); with
    ``forward``, also problems of old readers reading new data (removed fields, added symbols)."""
    walk = _Walk(name or _name_of(reader), _named(writer), _named(reader), forward)
    walk.compare(writer, reader, "")
    return walk.problems


def _name_of(schema: Any) -> str:
    return full_name(schema) if isinstance(schema, dict) and "name" in schema else ""


def _named(schema: Any, namespace: str | None = None, out: dict | None = None) -> dict[str, dict]:
    out = {} if out is None else out
    if isinstance(schema, list):
        for branch in schema:
            _named(branch, namespace, out)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed"):
            name = full_name(schema, namespace)
            out[name] = schema
            namespace = name.rpartition(".")[0] or None
            for fld in schema.get("fields", []):
                _named(fld["type"], namespace, out)
        elif kind == "array":
            _named(schema["items"], namespace, out)
        elif kind == "map":
            _named(schema["values"], namespace, out)
        elif isinstance(kind, (dict, list)):
            _named(kind, namespace, out)
    return out


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, dict):
        kind = schema["type"]
        return _kind(kind) if isinstance(kind, (dict, list)) else kind
    return schema


def _qualified_aliases(schema: dict) -> set[str]:
    namespace = full_name(schema).rpartition(".")[0]
    return {a if "." in a or not namespace else f"{namespace}.{a}" for a in schema.get("aliases", [])}


def _logical(schema: Any) -> str | None:
    return schema.get("logicalType") if isinstance(schema, dict) else None


def _describe(schema: Any) -> str:
    if isinstance(schema, list):
        return "[" + ", ".join(_describe(b) for b in schema) + "]"
    if isinstance(schema, dict):
        if "name" in schema:
            return full_name(schema)
        if schema.get("logicalType"):
            return f"{schema['type']}/{schema['logicalType']}"
        if schema["type"] == "array":
            return f"array<{_describe(schema['items'])}>"
        if schema["type"] == "map":
            return f"map<{_describe(schema['values'])}>"
        return _describe(schema["type"])
    return str(schema)


class _Walk:
    def __init__(self, name: str, writer_named: dict, reader_named: dict, forward: bool):
        self.name, self.wnamed, self.rnamed, self.forward = name, writer_named, reader_named, forward
        self.problems: list[Problem] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, path: str, rule: str, message: str) -> None:
        self.problems.append(Problem(self.name, path, rule, message))

    def resolve(self, schema: Any, named: dict) -> Any:
        if isinstance(schema, str) and schema not in PRIMITIVES:
            return named.get(schema, schema)
        if isinstance(schema, dict) and isinstance(schema["type"], (dict, list, str)) \
                and schema["type"] not in PRIMITIVES and schema["type"] not in ("record", "enum", "fixed", "array", "map"):
            return self.resolve(schema["type"], named)
        return schema

    def natural_match(self, branch: Any, candidates: list) -> Any:
        """The reader branch Avro resolution would pick for a writer branch, if any."""
        w = self.resolve(branch, self.wnamed)
        wk = _kind(w)
        promotable = None
        for candidate in candidates:
            c = self.resolve(candidate, self.rnamed)
            ck = _kind(c)
            if ck == wk:
                if wk not in ("record", "enum", "fixed"):
                    return candidate
                rname = full_name(c)
                if full_name(w) in {rname, *_qualified_aliases(c)}:
                    return candidate
            elif (wk, ck) in PROMOTIONS and promotable is None:
                promotable = candidate
        return promotable

    def compare(self, writer: Any, reader: Any, path: str) -> None:
        w, r = self.resolve(writer, self.wnamed), self.resolve(reader, self.rnamed)
        wk, rk = _kind(w), _kind(r)
        where = path or "<root>"
        if wk == "union" or rk == "union":
            self.compare_unions(w, r, wk, rk, path)
            return
        if wk in PRIMITIVES and rk in PRIMITIVES:
            if wk != rk and (wk, rk) not in PROMOTIONS:
                narrowed = wk in NUMERIC and rk in NUMERIC
                self.add(where, "type-narrowed" if narrowed else "type-changed",
                         f"was {_describe(w)}, now {_describe(r)}: old data cannot be read as {rk}")
            elif _logical(w) != _logical(r):
                self.add(where, "logical-type-changed", f"was {_describe(w)}, now {_describe(r)}")
            return
        if wk != rk:
            self.add(where, "type-changed", f"was {_describe(w)}, now {_describe(r)}")
            return
        if wk == "array":
            self.compare(w["items"], r["items"], f"{path}[]")
        elif wk == "map":
            self.compare(w["values"], r["values"], f"{path}{{}}")
        else:
            self.compare_named(w, r, wk, path)

    def compare_unions(self, w: Any, r: Any, wk: str, rk: str, path: str) -> None:
        where = path or "<root>"
        writer_branches = w if wk == "union" else [w]
        reader_branches = r if rk == "union" else [r]
        for branch in writer_branches:
            match = self.natural_match(branch, reader_branches)
            if match is not None:
                self.compare(branch, match, path)
            elif wk == "union" and rk == "union":
                self.add(where, "union-branch-removed",
                         f"branch {_describe(branch)} of {_describe(w)} is gone from {_describe(r)}")
            elif wk == "union":
                self.add(where, "type-narrowed",
                         f"was {_describe(w)}, now {_describe(r)}: old {_describe(branch)} values cannot be read")
            else:
                self.add(where, "type-changed", f"was {_describe(w)}, now {_describe(r)}")

    def compare_named(self, w: dict, r: dict, kind: str, path: str) -> None:
        where = path or "<root>"
        wname, rname = full_name(w), full_name(r)
        if wname != rname and wname not in _qualified_aliases(r):
            self.add(where, "renamed-without-alias", f"{kind} {wname} is now {rname}")
            return
        if (wname, rname) in self.seen:
            return
        self.seen.add((wname, rname))
        if kind == "fixed":
            if w["size"] != r["size"]:
                self.add(where, "fixed-size-changed", f"{wname} size {w['size']} -> {r['size']}")
        elif kind == "enum":
            removed = [s for s in w["symbols"] if s not in r["symbols"]]
            if removed and "default" not in r:
                self.add(where, "enum-symbol-removed",
                         f"enum {rname} lost symbol(s) {', '.join(removed)} and has no default")
            added = [s for s in r["symbols"] if s not in w["symbols"]]
            if self.forward and added and "default" not in w:
                self.add(where, "enum-symbol-added-without-default",
                         f"enum {rname} gained symbol(s) {', '.join(added)}; old readers have no default for them")
        else:
            self.compare_fields(w, r, path)

    def compare_fields(self, w: dict, r: dict, path: str) -> None:
        wfields = {f["name"]: f for f in w["fields"]}
        matched = set()
        for rf in r["fields"]:
            sub = f"{path}.{rf['name']}" if path else rf["name"]
            wf = next((wfields[n] for n in [rf["name"], *rf.get("aliases", [])] if n in wfields), None)
            if wf is None:
                if "default" not in rf:
                    self.add(sub, "field-added-without-default",
                             f"new field {rf['name']} ({_describe(rf['type'])}) has no default, so old data lacks it")
                continue
            matched.add(wf["name"])
            self.compare(wf["type"], rf["type"], sub)
        if not self.forward:
            return
        for wf in w["fields"]:
            if wf["name"] not in matched and "default" not in wf:
                sub = f"{path}.{wf['name']}" if path else wf["name"]
                self.add(sub, "field-removed-without-default",
                         f"field {wf['name']} was removed but had no default: old readers cannot read new data")
