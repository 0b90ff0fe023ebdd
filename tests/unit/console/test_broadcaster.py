"""The live board fan-out: an alert reaches only the boards that may see its province, and a board
that cannot keep up is dropped (its browser reconnects and reloads) rather than slowing the others."""

from __future__ import annotations

import asyncio

from console.live import Broadcaster
from console.roles import Principal, Role

PROV57 = Principal("prov57", Role.PROVINCIAL, frozenset({"TH-57"}))
NATIONAL = Principal("nat", Role.NATIONAL)
AUDITOR = Principal("aud", Role.AUDITOR)


def alert(aid: str, province: str) -> dict:
    return {"alert_id": aid, "province": province, "state": "Firing"}


class TestBroadcaster:
    def test_an_alert_reaches_the_boards_of_its_province_and_national_ones_only(self):
        hub = Broadcaster()
        chiang_rai, national, auditor = hub.subscribe(PROV57), hub.subscribe(NATIONAL), hub.subscribe(AUDITOR)
        assert hub.publish(alert("a1", "TH-10")) == 1
        assert hub.publish(alert("a2", "TH-57")) == 2
        assert [chiang_rai.queue.get_nowait()["alert_id"]] == ["a2"]
        assert national.queue.qsize() == 2 and auditor.queue.empty()

    def test_the_latest_state_of_each_alert_is_kept_for_boards_loaded_later(self):
        hub = Broadcaster()
        hub.publish(alert("a1", "TH-57"))
        hub.publish({**alert("a1", "TH-57"), "state": "Resolved"})
        assert hub.latest["a1"]["state"] == "Resolved"

    def test_a_board_that_cannot_keep_up_is_dropped_and_told(self):
        hub = Broadcaster()
        slow, fast = hub.subscribe(PROV57), hub.subscribe(NATIONAL)
        for i in range(slow.queue.maxsize + 1):
            fast.queue = asyncio.Queue()          # the fast board keeps reading
            hub.publish(alert(f"a{i}", "TH-57"))
        assert slow.dropped and hub.boards == 1
        assert slow.queue.get_nowait() is None

    def test_closing_ends_every_board(self):
        hub = Broadcaster()
        board = hub.subscribe(NATIONAL)
        hub.close()
        assert board.queue.get_nowait() is None and hub.boards == 0


class TestReplay:
    def test_a_board_gets_what_changed_in_its_provinces_after_its_page_was_rendered(self):
        now = [1000.0]
        hub = Broadcaster(clock=lambda: now[0])
        hub.publish(alert("before", "TH-57"))
        mark = hub.mark()
        now[0] += 1
        hub.publish(alert("after", "TH-57"))
        hub.publish(alert("bangkok", "TH-10"))
        assert [a["alert_id"] for a in hub.since(PROV57, mark)] == ["after"]

    def test_an_acknowledgement_made_here_shows_in_the_live_copy(self):
        hub = Broadcaster()
        hub.publish(alert("a1", "TH-57"))
        hub.acknowledged_here("a1", "2025-03-02T12:00:00Z")
        assert hub.latest["a1"]["acknowledged_at"] == "2025-03-02T12:00:00Z"

    def test_only_so_many_alerts_are_remembered_the_least_recently_changed_forgotten_first(self):
        hub = Broadcaster(keep=2)
        for aid in ("a", "b", "a", "c"):
            hub.publish(alert(aid, "TH-57"))
        assert list(hub.latest) == ["a", "c"]
