"""The HTTP intake on a real broker: answers only after the commit, refuses clearly, loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
import pytest

from connectors.sources import HttpIntake
from tests.unit.connectors.sources import mappers

from .support import landed, running

pytestmark = pytest.mark.broker
TOKENS = {"police": "police-secret", "labour": "labour-secret", "immigration": "i", "social": "s"}
RESCUE = "sanpalang.police.RescueConducted"


def police(fields, origin):
    """Stand-in police mapping: a rescue whose id is ``record_id`` (refused without one)."""
    return [mappers._event(RESCUE, "police", fields, "version")]


@contextlib.asynccontextmanager
async def intake(connection, prefix, **limits):
    async with running(connection, "police", prefix, police,
                       lambda ctx: HttpIntake(ctx, "127.0.0.1", 0, TOKENS, **limits)) as (source, publisher, metrics):
        while source.bound_port is None:
            await asyncio.sleep(0.01)
        async with aiohttp.ClientSession(f"http://127.0.0.1:{source.bound_port}") as session:
            yield session, metrics


async def post(session, body, token="police-secret", **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with session.post("/v1/records", data=data, headers=headers) as response:
        return response.status, await response.json()


class TestHttpIntake:
    def test_answers_202_with_the_event_id_once_committed(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, {"record_id": f"{prefix}-1"})

        status, answer = asyncio.run(scenario())
        assert status == 202 and answer["rejected"] == []
        (event_id,) = answer["accepted"][0]["event_ids"]
        assert [e["envelope"]["event_id"] for e in landed(catalogue, "police", prefix).events] == [event_id]

    def test_publishes_the_good_records_of_a_batch_and_dead_letters_the_bad_one(self, catalogue, prefix):
        batch = {"records": [{"record_id": f"{prefix}-a"}, {"name": "no id"}, {"record_id": f"{prefix}-b"}]}

        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, batch, **{"X-Request-Id": f"{prefix}-req"})

        status, answer = asyncio.run(scenario())
        assert status == 202
        assert [a["index"] for a in answer["accepted"]] == [0, 2]
        assert answer["rejected"] == [{"index": 1, "reason": "missing-field",
                                       "errors": ["record_id: missing; every record needs its id"]}]
        result = landed(catalogue, "police", prefix)
        assert sorted(result.event_ids) == [f"{prefix}-a", f"{prefix}-b"]
        (letter,) = result.letters
        assert letter["origin"]["location"] == f"POST /v1/records request {prefix}-req item 1"
        assert json.loads(letter["original"]) == {"name": "no id"}

    def test_answers_400_when_no_record_is_valid(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, [{"name": f"{prefix} without id"}, 42])

        status, answer = asyncio.run(scenario())
        assert status == 400 and answer["accepted"] == []
        assert answer["rejected"][1]["errors"] == ["item 1 is a JSON int, not an object"]

    def test_a_body_that_is_not_json_is_refused_and_kept_as_a_dead_letter(self, catalogue, prefix):
        body = f"{prefix},not,json\n".encode()

        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, body)

        status, answer = asyncio.run(scenario())
        assert status == 400 and "not JSON" in answer["rejected"][0]["errors"][0]
        (letter,) = landed(catalogue, "police", prefix).letters
        assert letter["original"] == body and letter["reason_code"] == "unreadable"

    def test_refuses_another_agencys_token_with_403_and_no_token_with_401(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return (await post(session, {"record_id": f"{prefix}-x"}, token="labour-secret"),
                        await post(session, {"record_id": f"{prefix}-y"}, token=None),
                        await post(session, {"record_id": f"{prefix}-z"}, token="guess"))

        (wrong, why), (none, _), (unknown, _) = asyncio.run(scenario())
        assert (wrong, none, unknown) == (403, 401, 401)
        assert why["error"] == "this is the police intake; the token belongs to labour"
        result = landed(catalogue, "police", prefix)
        assert result.events == [] and result.letters == []

    def test_refuses_a_body_over_the_size_limit_with_413(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix, max_body_bytes=1000) as (session, _):
                return await post(session, {"record_id": prefix, "note": "x" * 5000})

        status, answer = asyncio.run(scenario())
        assert status == 413 and "split it" in answer["error"]

    def test_health_and_metrics_count_what_was_published(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                await post(session, [{"record_id": f"{prefix}-1"}, {"bad": True}])
                async with session.get("/health") as health, session.get("/metrics") as metrics:
                    return await health.json(), await metrics.text()

        health, metrics = asyncio.run(scenario())
        assert health == {"agency": "police", "status": "ok", "reason": None}
        assert 'sanpalang_connector_events_published_total{agency="police",source="http"} 1.0' in metrics
        assert ('sanpalang_connector_records_dead_lettered_total{agency="police",reason="missing-field",'
                'source="http"} 1.0') in metrics
