"""The provincial team lead's day (issue 13 item 2's "done when"), in a real browser (Debian's
chromium driven by Playwright) on a real broker with a real `sanpalang worker`.

The police report a rescue in Chiang Rai (TH-57); the worker opens case TH57-2568-0001. Chiang
Rai's PSDHS team lead signs in in Thai, finds the case by its number, makes a PSDHS officer its
owner and records the MDT's screening decision; both travel on operator.actions.v1 to the worker,
come back on cases.provincial.v1 into the views, and show on the case page and the board. The
auditor finds both in the audit trail. A PSDHS liaison of Bangkok (TH-10) sees none of it.
Screenshots go to ``$SANPALANG_TEST_ARTEFACTS/console-team-lead-day`` (or the test's temporary
directory); the path is printed.

Without chromium or the playwright package the test is skipped, and fails under CI=true.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

import schemas
from bench.hub_run import WorkerProcess, settled, wait_until
from console import accounts
from console.i18n import file_label, label
from console.roles import Role
from console.server import open_hub
from tests.integration.console.conftest import ServerThread, screenshots_dir
from tests.integration.console.world import NOW, PASSWORD
from tests.integration.streams.hub import fresh_broker
from tests.missing import missing

pytestmark = pytest.mark.broker

CHROMIUM = "/usr/bin/chromium"
NUMBER = "TH57-2568-0001"          # the example rescue's case: Chiang Rai, B.E. 2568, the first
USERS = {  # name: (role, provinces, agency)
    "lead.cri": (Role.TEAM_LEAD, frozenset({"TH-57"}), "social"),
    "officer.cri": (Role.PROVINCIAL, frozenset({"TH-57"}), "social"),
    "liaison.bkk": (Role.LIAISON, frozenset({"TH-10"}), "social"),
    "auditor": (Role.AUDITOR, frozenset(), None),
}


@pytest.fixture
def artefacts(tmp_path) -> Path:
    return screenshots_dir("console-team-lead-day", tmp_path)


@pytest.fixture
def hub(tmp_path, kafka_jar_cache):
    """A broker of its own with the catalogue, a worker, the police rescue correlated into the
    views, the users, and the console on the same broker and database."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        missing("the playwright Python package is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing("Debian's chromium is not installed: sudo apt-get install -y chromium")
    broker = fresh_broker(tmp_path, kafka_jar_cache)
    worker = console = None
    try:
        worker = WorkerProcess(broker, tmp_path / "worker.log")
        _publish_rescue(broker.connection)
        wait_until(lambda: settled(broker.connection, 1), what="the rescue correlated and in the views")
        _add_users(broker.database_url)
        console = ServerThread(broker.settings.with_(database_url=broker.database_url), kafka=True)
        yield console
    finally:
        if console is not None:
            console.stop()
        if worker is not None:
            worker.stop()
        broker.stop()


def _publish_rescue(connection) -> None:
    from kafka import KafkaProducer
    producer = KafkaProducer(acks="all", **connection.kafka_python())
    try:
        record = schemas.example("sanpalang.police.RescueConducted")
        producer.send("intake.police.v1", key=b"police:rescue",
                      value=schemas.encode("sanpalang.police.RescueConducted", record)).get(timeout=30)
    finally:
        producer.close()


def _add_users(url: str) -> None:
    hub = open_hub(url)
    try:
        with hub.writer.begin() as conn:
            for name, (role, provinces, agency) in USERS.items():
                accounts.add_user(conn, name, role, PASSWORD, provinces=provinces, agency=agency,
                                  at=NOW - timedelta(days=1))
    finally:
        hub.reader.dispose()
        hub.writer.dispose()


def _sign_in(browser, url: str, name: str, lang: str, landing: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url}/lang/{lang}?next=/sign-in")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector(f"html[lang={lang}] {landing}")
    return page


def _until(page, shown: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    """Reload the page until `shown()` holds: the worker's case view reaches the views in its time."""
    deadline = time.monotonic() + timeout_s
    while not shown():
        if time.monotonic() > deadline:
            raise AssertionError(f"not shown within {timeout_s} s: {what}")
        page.wait_for_timeout(500)
        page.reload()


def test_the_team_leads_day(hub, artefacts):
    from playwright.sync_api import sync_playwright
    status_th = label("trafficking_status", "ActualVictimOfTrafficking", "th")
    mdt_th = file_label("basis", "NonPoliceGovernmentalOrganization", "th")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            # signs in in Thai, and finds the case by its number
            page = _sign_in(browser, hub.url, "lead.cri", "th", "#board")
            assert NUMBER in page.locator("#board").inner_text()          # the board speaks numbers, not ids
            page.screenshot(path=str(artefacts / "1-board-th.png"), full_page=True)
            page.goto(f"{hub.url}/cases")
            page.fill("input[name=number]", "th57-2568-1")
            page.click("form.search button[type=submit]")
            page.click(f"text={NUMBER}")
            page.wait_for_selector("#desk")
            case_url = page.url.split("?")[0]
            case_id = case_url.rsplit("/", 1)[1]
            assert NUMBER in page.locator("h1").inner_text()
            page.screenshot(path=str(artefacts / "2-case-found-by-number.png"), full_page=True)

            # assigns the owner: a PSDHS officer of Chiang Rai
            page.select_option("#owner", "officer.cri")
            page.click("#desk-assign-submit")
            page.wait_for_selector(".flash")
            _until(page, lambda: "officer.cri" in page.locator("#case-owner").inner_text(), "the owner on the case page")
            assert "lead.cri" in page.locator("#case-owner").inner_text()       # assigned by
            # records the MDT's decision on the victim
            page.select_option("#decision-status", "ActualVictimOfTrafficking")
            page.select_option("#decision-basis", "NonPoliceGovernmentalOrganization")
            page.fill("#decision-note", "ประชุมทีมสหวิชาชีพ ครั้งที่ 3/2568")
            page.click("#desk-decide-submit")
            page.wait_for_selector(".flash")
            _until(page, lambda: page.locator("table#status-decisions").count() == 1, "the decision on the case page")
            decisions = page.locator("table#status-decisions").inner_text()
            assert status_th in decisions and mdt_th in decisions and "lead.cri" in decisions
            assert "2568" in decisions                     # when, in Buddhist Era
            page.screenshot(path=str(artefacts / "3-case-owner-and-mdt-decision.png"), full_page=True)

            # sees the owner on the board
            page.goto(f"{hub.url}/")
            group = page.locator(f"tbody.case-group[data-case-id='{case_id}'] tr.group")
            assert NUMBER in group.inner_text() and "officer.cri" in group.inner_text()
            page.screenshot(path=str(artefacts / "4-board-owner.png"), full_page=True)

            # the audit trail has both, by whom, on which case
            audit = _sign_in(browser, hub.url, "auditor", "th", "#chain")
            trail = audit.locator("table").inner_text()
            assert "case.assign_owner" in trail and "case.decide_status" in trail and case_id in trail
            assert "lead.cri" in trail
            audit.screenshot(path=str(artefacts / "5-audit-trail.png"), full_page=True)

            # a liaison of another province sees none of it
            liaison = _sign_in(browser, hub.url, "liaison.bkk", "th", "main")
            seen = liaison.content()
            assert NUMBER not in seen and case_id not in seen and "officer.cri" not in seen
            assert liaison.goto(case_url).status == 403
            assert liaison.goto(f"{hub.url}/api/cases/{case_id}").status == 403
            assert liaison.goto(f"{hub.url}/api/referrals").status == 200
            assert case_id not in liaison.content()
            liaison.goto(f"{hub.url}/referrals")
            liaison.screenshot(path=str(artefacts / "6-liaison-of-bangkok.png"), full_page=True)
        finally:
            browser.close()
