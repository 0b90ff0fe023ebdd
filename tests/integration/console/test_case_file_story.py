"""Issue 13's done-when: the case file of a simulator story, not a hand-made record. The simulator's
feed (seed 7) goes through the agencies' mappings and the pure correlator; the case whose persons
carry the most kinds of papers (a seabook, a certificate of identity, a non-Thai 13-digit ID) is
written to the views and the person directory as the worker and the console's feed would, and a
national operator reads it in Thai in Chromium. Screenshots: ``console-case-file-story``."""

from __future__ import annotations

import pytest

import schemas
from bench.scoring import scenario_feed
from console.directory import entries_of
from console.i18n import file_label, label
from console.server import open_hub
from console.names import write_entries
from streams.views import CASE_VIEW, PERSON_LINK, ViewSink
from streams.worker.correlator import CASES_TOPIC, LINKS_TOPIC, Correlator
from streams.worker.lane import FLUSH, feed
from tests.integration.console.conftest import ServerThread, screenshots_dir
from tests.integration.console.test_browser import signed_in
from tests.integration.console.world import build_world

NEW_PAPERS = ("Seabook", "CertificateOfIdentity", "NonThaiId")


def _file_values(view: dict) -> int:
    """How many case-file values the case's persons have (exploitation, means, interpreter, ...)."""
    return sum(bool(p.get(field)) for p in view["persons"] for field in
               ("exploitation_types", "means_of_control", "interpreter_language", "exploitation_period",
                "status_decided_by"))


def _story(seed: int = 7) -> tuple[dict, list[dict], list[dict], set[str]]:
    """(case view, its person links, its intake records, the new kinds of papers they carry)."""
    publications, _ = scenario_feed(seed)
    records = {}
    correlator = Correlator()
    outputs = []
    for p in publications:
        if not p.dead_letter:
            name, record = schemas.decode(p.value)
            records[record["envelope"]["event_id"]] = record
            outputs += feed(correlator, p.value)
    outputs += feed(correlator, FLUSH)
    views = {o.key: o.record for o in outputs if o.topic == CASES_TOPIC}
    links = list({o.key: o.record for o in outputs if o.topic == LINKS_TOPIC}.values())

    def papers(view: dict) -> set[str]:
        return {str(i["kind"]) for entry in view["timeline"] if entry["event_id"] in records
                for person in records[entry["event_id"]]["envelope"]["persons"] for i in person["identifiers"]
                if str(i["kind"]) in NEW_PAPERS}

    view = max(views.values(), key=lambda v: (len(papers(v)), _file_values(v), v["case_id"]))
    events = {entry["event_id"] for entry in view["timeline"]}
    return view, [link for link in links if link["source_event_id"] in events], \
        [records[e] for e in sorted(events) if e in records], papers(view)


@pytest.fixture
def console(tmp_path, kafka_settings):
    view, links, records, papers = _story()
    world = build_world(f"sqlite:///{tmp_path / 'hub.db'}")
    with ViewSink(world.url) as sink:
        sink.apply_many([(CASE_VIEW, view), *((PERSON_LINK, link) for link in links)])
    hub = open_hub(world.url)
    with hub.writer.begin() as conn:
        write_entries(conn, [e for record in records for e in entries_of(record)], {})
    hub.reader.dispose()
    hub.writer.dispose()
    server = ServerThread(kafka_settings.with_(database_url=world.url))
    server.story = view, papers
    yield server
    server.stop()


def test_a_national_operator_reads_the_papers_of_a_simulator_storys_persons_in_its_case_file(console, tmp_path):
    (view, papers), artefacts = console.story, screenshots_dir("console-case-file-story", tmp_path)
    assert papers, "the simulator's seed 7 has a case whose persons carry a seabook, a CI or a non-Thai ID"
    with signed_in(console, lang="th", user="nat") as page:
        page.goto(f"{console.url}/cases/{view['case_id']}")
        page.wait_for_selector("#case-file")
        content = page.content()
        assert view["case_number"] in content
        for kind in papers:
            assert label("identifier", kind, "th") in content, kind
        case_file = page.locator("#case-file").inner_text()
        for person in view["persons"]:
            for kind, field in (("exploitation", "exploitation_types"), ("means", "means_of_control")):
                for value in person.get(field) or ():
                    assert file_label(kind, value, "th") in case_file, value
            if person.get("interpreter_language"):
                assert file_label("language", person["interpreter_language"], "th") in case_file
        page.screenshot(path=str(artefacts / "case-file-story-thai.png"), full_page=True)
