"""The cluster run's load (``bench.faults_cluster``): every source's records in two halves, each
record once, its id found by the count's pattern, and the social exports mapping as the connector
maps them."""

from __future__ import annotations

import datetime as dt
import json
import re

from bench.faults_cluster import FILES, cluster_load, social_exports
from connectors.agencies import mapper_for
from connectors.records import Origin, SourceRecord
from connectors.routing import route


class TestTheClusterLoad:
    def test_it_holds_every_source_in_two_halves_and_every_id_once(self):
        load = cluster_load("R7", 16)
        assert len(load.ids) == len(set(load.ids)) == 4 * 16
        assert [len(half) for half in load.police] == [8, 8] and [len(half) for half in load.rows] == [8, 8]
        assert [len(half) for half in load.labour] == [FILES, FILES] == [len(half) for half in load.social]

    def test_its_pattern_finds_each_generated_id_whole(self):
        load = cluster_load("R7", 16)
        pattern = re.compile(load.id_pattern)
        assert all(pattern.fullmatch(record_id) for record_id in load.ids)
        assert not pattern.search("R8-P1") and not pattern.search("R7-Q1")


class TestSocialExports:
    def test_each_line_maps_to_one_intake_event_under_its_own_id(self):
        exports, ids = social_exports("R7", 2, 3)
        records = [json.loads(line) for _, data in exports for line in data.decode().splitlines()]
        assert [r["record_id"] for r in records] == ids == [f"R7s{k:02d}-S{i}" for k in range(2) for i in range(3)]
        routed = [p for n, r in enumerate(records)
                  for p in route("social", SourceRecord(Origin("file", "x.jsonl", str(n)), b"", r), mapper_for("social"),
                                 dt.datetime.now(dt.timezone.utc))]
        assert [p.dead_letter for p in routed] == [False] * len(ids)
        assert {p.topic for p in routed} == {"intake.social.v1"}
        assert len({r["case_no"] for r in records}) == len(ids)
