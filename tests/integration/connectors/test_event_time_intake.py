"""Through the real HTTP intake and police mapping on a real broker: a TICAC tip dated 01/03/2596
(a B.E. year typed wrong) is refused and kept as a dead letter with its reason; the same tip dated
right is published (issue 12: one such tip once made every custody go Critical)."""

from __future__ import annotations

import asyncio

import pytest

from connectors.agencies import mapper_for

from .support import landed
from .test_http_intake import intake, post

pytestmark = pytest.mark.broker


def tip(record_id: str, occurred: str) -> dict:
    return {"record_type": "ticac_tip", "record_id": record_id, "version": 1, "occurred": occurred,
            "province": "เชียงราย", "unit": "TICAC", "tip_source": "ncmec", "tip_reference": f"{record_id}-ref",
            "platform": "Telegram", "summary": "Account offering images of a minor.", "exploitation": ["csam"],
            "persons": [{"role": "child", "name": "ไม่ทราบชื่อ", "age": "13", "sex": "F"}]}


class TestImplausibleTimesAtTheIntake:
    def test_a_tip_dated_2596_is_refused_with_its_reason_and_the_good_one_published(self, catalogue, prefix,
                                                                                    monkeypatch):
        import tests.integration.connectors.test_http_intake as http
        monkeypatch.setattr(http, "police", mapper_for("police"))
        batch = {"records": [tip(f"{prefix}-bad", "01/03/2596 10:00"), tip(f"{prefix}-good", "01/03/2568 10:00")]}

        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, batch, **{"X-Request-Id": f"{prefix}-req"})

        status, answer = asyncio.run(scenario())
        assert status == 202 and [a["index"] for a in answer["accepted"]] == [1]
        (rejected,) = answer["rejected"]
        assert rejected["index"] == 0 and rejected["reason"] == "implausible-time"
        result = landed(catalogue, "police", prefix)
        assert [e["envelope"]["source"]["record_id"] for e in result.events] == [f"{prefix}-good"]
        (letter,) = result.letters
        assert letter["reason_code"] == "implausible-time" and "2053-03-01" in letter["reason"]
