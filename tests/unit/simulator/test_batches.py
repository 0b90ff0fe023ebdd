"""A feed is cut into HTTP requests, export files and row batches that the real sources read back
record for record, each record at the location its dead letter would name."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from simulator.batches import csv_bytes, plan
from simulator.render.labour import COLUMNS

from .conftest import source_records


@pytest.fixture(scope="module")
def deliveries(feed):
    return plan(feed.records, batch=30, prefix="T0")


class TestPlan:
    def test_puts_every_record_in_exactly_one_delivery_of_at_most_batch_records(self, feed, deliveries):
        refs = Counter(ref for d in deliveries for ref in d.refs)
        assert set(refs) == {r.ref for r in feed.records} and set(refs.values()) == {1}
        assert max(len(d.refs) for d in deliveries) == 30

    def test_keeps_feed_order_within_each_stream(self, feed, deliveries):
        """A stream: one HTTP intake, one table, one export kind."""
        order = {r.ref: i for i, r in enumerate(feed.records)}
        streams = {}
        for d in deliveries:
            stream = d.channel if d.channel.endswith("http") else d.target.split("T0_")[0]
            streams.setdefault(stream, []).extend(order[r] for r in d.refs)
        assert len(streams) > 10
        assert all(positions == sorted(positions) for positions in streams.values())

    def test_lists_deliveries_in_the_order_they_close(self, deliveries):
        dues = [d.due for d in deliveries]
        assert dues == sorted(dues) and all(d.first <= d.due for d in deliveries)

    def test_closes_a_quiet_channels_batch_after_linger_positions(self, feed):
        for d in plan(feed.records, batch=1000, linger=50):
            assert d.due - d.first <= 50 or d.due == len(feed.records) - 1

    def test_names_files_by_kind_first_with_the_prefix_and_a_be_date(self, deliveries):
        files = [d.target for d in deliveries if d.channel.endswith("file")]
        assert len(files) == len(set(files))
        for name in files:
            kind, rest = name.split("T0_")
            assert kind.endswith("_") and rest[:2] == "25" and name.endswith((".csv", ".jsonl"))

    def test_writes_labour_files_in_windows_874_with_the_thai_header(self, deliveries):
        labour = [d for d in deliveries if d.channel == "labour-file"]
        for d in labour:
            kind = d.target.split("T0_")[0]
            header = d.data.decode("cp874").splitlines()[0]
            assert header == ",".join(COLUMNS[kind]) and b"\r\n" in d.data
            with pytest.raises(UnicodeDecodeError):
                d.data.decode("utf-8")

    def test_posts_json_batches_with_a_request_id_per_request(self, deliveries):
        posts = [d for d in deliveries if d.channel.endswith("http")]
        assert len({d.request_id for d in posts}) == len(posts)
        assert all(len(json.loads(d.data)["records"]) == len(d.refs) for d in posts)

    def test_names_each_records_location_as_the_source_reads_it(self, deliveries):
        for d in deliveries:
            assert [s.origin.location for s in source_records(d)] == [d.locations[r] for r in d.refs]

    def test_refuses_an_empty_batch(self, feed):
        with pytest.raises(ValueError):
            plan(feed.records, batch=0)


class TestCsv:
    def test_quotes_a_cell_holding_a_comma(self):
        data = csv_bytes("complaint_", [{"เลขที่คำร้อง": "C-1", "ชื่อ-สกุล": "JAIDEE, Somchai"}])
        assert '"JAIDEE, Somchai"' in data.decode("cp874")
