"""The HTTP intake on a real broker: answers only after the commit, refuses clearly, loses nothing,
publishes nothing twice (a lost commit answer, a retried Idempotency-Key, a 503), and holds no
connection for a client that sends slowly."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
import pytest

from connectors.sources import HttpIntake
from runtime.credentials import token_digest
from ops.kafka import local
from tests.unit.connectors.sources import mappers

from .support import eventually, landed, running

pytestmark = pytest.mark.broker
TOKENS = {"police": "police-secret", "labour": "labour-secret", "immigration": "i", "social": "s"}
DIGESTS = {agency: token_digest(token) for agency, token in TOKENS.items()}   # all the intake keeps
RESCUE = "sanpalang.police.RescueConducted"


def police(fields, origin):
    """Stand-in police mapping: a rescue whose id is ``record_id`` (refused without one)."""
    return [mappers._event(RESCUE, "police", fields, "version")]


@contextlib.asynccontextmanager
async def intake(connection, prefix, publisher_out: list | None = None, **limits):
    """A police HTTP intake on ``connection``; yields a client session and the metrics (and puts the
    publisher into ``publisher_out`` for the tests that reach for it)."""
    async with running(connection, "police", prefix, police,
                       lambda ctx: HttpIntake(ctx, "127.0.0.1", 0, DIGESTS, **limits)) as (source, publisher, metrics):
        while source.bound_port is None:
            await asyncio.sleep(0.01)
        if publisher_out is not None:
            publisher_out.append(publisher)
        async with aiohttp.ClientSession(f"http://127.0.0.1:{source.bound_port}") as session:
            yield session, metrics


async def post(session, body, token="police-secret", **headers):
    status, answer, _ = await post_full(session, body, token, **headers)
    return status, answer


async def post_full(session, body, token="police-secret", **headers):
    """(status, JSON answer, response headers); a client that gives up after 120 s, so a request the
    intake holds fails the test instead of hanging it."""
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with session.post("/v1/records", data=data, headers=headers,
                            timeout=aiohttp.ClientTimeout(total=120)) as response:
        return response.status, await response.json(), response.headers


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
        assert why["error"] == "this token is not valid for this intake"
        assert "labour" not in json.dumps(why) and "police" not in json.dumps(why)
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


def by_request(letters: list[dict]) -> dict[str, list[dict]]:
    """Dead letters by the id of the request they came from."""
    found: dict[str, list[dict]] = {}
    for letter in letters:
        request_id = letter["origin"]["location"].split(" request ", 1)[1].split(" item ")[0]
        found.setdefault(request_id, []).append(letter)
    return found


class TestBodiesThatCannotBeRead:
    BODIES = {
        "deep": b"[" * 50_000 + b"]" * 50_000,
        "unclosed": b'{"a":' * 50_000,
        "digits": b'{"record_id": "x", "n": ' + b"7" * 5000 + b"}",
        "nan": b'{"record_id": "x", "n": NaN}',
        "cp874": '{"record_id": "x", "ชื่อ": "สมชาย"}'.encode("cp874"),
        "utf8-surrogate": b'{"record_id": "\xed\xa0\x80"}',
        "empty": b"",
        "text": b"not json at all",
        "scalar": b"42",
    }

    def test_every_one_is_a_400_with_one_dead_letter_naming_the_reason(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return {name: await post(session, body, **{"X-Request-Id": f"{prefix}-{name}"})
                        for name, body in self.BODIES.items()}

        answers = asyncio.run(scenario())
        assert {name: status for name, (status, _) in answers.items()} == {name: 400 for name in self.BODIES}
        letters = by_request(landed(catalogue, "police", prefix).letters)
        for name, body in self.BODIES.items():
            (letter,) = letters[f"{prefix}-{name}"]
            assert letter["original"] == body and letter["reason_code"] == "unreadable"
            assert answers[name][1]["rejected"][0]["errors"] == [letter["reason"]]

    def test_a_lone_surrogate_item_is_dead_lettered_and_its_neighbours_published(self, catalogue, prefix):
        body = (f'[{{"record_id": "{prefix}-1"}}, {{"record_id": "{prefix}-2", "name": "\\udc80"}}, '
                f'{{"record_id": "{prefix}-3"}}]').encode()

        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post(session, body, **{"X-Request-Id": f"{prefix}-req"})

        status, answer = asyncio.run(scenario())
        assert status == 202 and [a["index"] for a in answer["accepted"]] == [0, 2]
        result = landed(catalogue, "police", prefix)
        assert sorted(result.event_ids) == [f"{prefix}-1", f"{prefix}-3"]
        (letter,) = result.letters
        assert json.loads(letter["original"]) == {"record_id": f"{prefix}-2", "name": "\udc80"}

    def test_a_request_id_that_is_not_visible_ascii_is_a_400_with_the_body_dead_lettered(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                return await post_full(session, {"record_id": f"{prefix}-1"}, **{"X-Request-Id": "x" * 201})

        status, answer, headers = asyncio.run(scenario())
        assert status == 400 and "X-Request-Id header" in answer["rejected"][0]["errors"][0]
        (letter,) = landed(catalogue, "police", answer["request_id"]).letters
        assert json.loads(letter["original"]) == {"record_id": f"{prefix}-1"}


class TestSlowClients:
    def test_a_connection_whose_headers_do_not_arrive_is_closed(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix, header_timeout_s=0.5) as (session, _):
                port = session._base_url.port  # noqa: SLF001
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"POST /v1/records HTTP/1.1\r\nHost: intake\r\nAuthorization: Bea")
                await writer.drain()
                async with asyncio.timeout(60):   # a failure guard: the intake closes it long before
                    closed = await reader.read()
                writer.close()
                return closed

        assert asyncio.run(scenario()) == b""

    def test_a_body_that_does_not_arrive_is_answered_408_and_publishes_nothing(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix, body_timeout_s=0.5) as (session, _):
                port = session._base_url.port  # noqa: SLF001
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"POST /v1/records HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer police-secret\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                             + f'{{"record_id": "{prefix}-1"'.encode())
                await writer.drain()
                async with asyncio.timeout(60):   # a failure guard
                    status_line = await reader.readline()
                writer.close()
                return status_line

        assert asyncio.run(scenario()).startswith(b"HTTP/1.1 408")
        assert landed(catalogue, "police", prefix).events == []


class TestIdempotencyKey:
    def test_a_retry_with_the_same_key_gets_the_first_answer_and_publishes_nothing(self, catalogue, prefix):
        batch = [{"record_id": f"{prefix}-1"}, {"no": "id"}]

        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                key = {"Idempotency-Key": f"{prefix}-key", "X-Request-Id": f"{prefix}-req"}
                return [await post_full(session, batch, **key) for _ in range(3)]

        (first, answer, headers), *retries = asyncio.run(scenario())
        assert first == 202 and "Idempotent-Replayed" not in headers
        for status, again, again_headers in retries:
            assert (status, again) == (first, answer)
            assert again_headers["Idempotent-Replayed"] == "true"
            assert again_headers["X-Request-Id"] == answer["request_id"]
        result = landed(catalogue, "police", prefix)
        assert result.event_ids == {f"{prefix}-1": 1} and len(result.letters) == 1

    def test_the_same_key_sent_twice_at_once_is_published_once(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                key = {"Idempotency-Key": f"{prefix}-key"}
                return await asyncio.gather(*(post(session, {"record_id": f"{prefix}-1"}, **key) for _ in range(5)))

        answers = asyncio.run(scenario())
        assert len({json.dumps(a, sort_keys=True) for a in answers}) == 1 and answers[0][0] == 202
        assert landed(catalogue, "police", prefix).event_ids == {f"{prefix}-1": 1}

    def test_the_key_is_remembered_across_a_restart_of_the_connector(self, catalogue, prefix):
        async def once():
            async with intake(catalogue, prefix) as (session, _):
                return await post_full(session, {"record_id": f"{prefix}-1"}, **{"Idempotency-Key": f"{prefix}-k"})

        (first, answer, _), (again, replayed, headers) = asyncio.run(once()), asyncio.run(once())
        assert (first, again, replayed) == (202, 202, answer) and headers["Idempotent-Replayed"] == "true"
        assert landed(catalogue, "police", prefix).event_ids == {f"{prefix}-1": 1}

    def test_the_same_key_with_another_body_is_refused_with_422(self, catalogue, prefix):
        async def scenario():
            async with intake(catalogue, prefix) as (session, _):
                key = {"Idempotency-Key": f"{prefix}-key"}
                return (await post(session, {"record_id": f"{prefix}-1"}, **key),
                        await post(session, {"record_id": f"{prefix}-2"}, **key))

        (first, _), (second, why) = asyncio.run(scenario())
        assert (first, second) == (202, 422) and "another body" in why["error"]
        assert landed(catalogue, "police", prefix).event_ids == {f"{prefix}-1": 1}


class TestACommitWhoseAnswerWasLost:
    def test_a_commit_that_landed_but_timed_out_is_not_published_again(self, catalogue, prefix):
        """The broker commits, the answer never comes back (a leader killed, a network cut): the
        batch must be recognised on the broker instead of sent a second time."""
        async def scenario():
            publishers: list = []
            async with intake(catalogue, prefix, publishers) as (session, _):
                (publisher,) = publishers
                commit, lost = publisher._commit, []  # noqa: SLF001

                async def commit_whose_answer_is_lost(*args):
                    await commit(*args)
                    if not lost:
                        lost.append(True)
                        raise asyncio.TimeoutError("the commit's answer was lost")

                publisher._commit = commit_whose_answer_is_lost  # noqa: SLF001
                return await post(session, [{"record_id": f"{prefix}-1"}, {"record_id": f"{prefix}-2"}]), lost

        ((status, _), lost) = asyncio.run(scenario())
        assert status == 202 and lost == [True]
        assert landed(catalogue, "police", prefix).event_ids == {f"{prefix}-1": 1, f"{prefix}-2": 1}


class TestBrokerOutage:
    def test_requests_get_503_while_the_broker_is_away_and_are_never_published_later(self, outage_broker, prefix):
        settings, connection = outage_broker

        async def scenario():
            publishers: list = []
            async with intake(connection, prefix, publishers) as (session, _):
                (publisher,) = publishers
                await asyncio.to_thread(local.stop_node, settings, 1)
                try:
                    under_way = asyncio.create_task(post_full(session, {"record_id": f"{prefix}-a"}))
                    await eventually(lambda: publisher.degraded_reason is not None, 60, "degraded", step_s=0.2)
                    refused = await post_full(session, {"record_id": f"{prefix}-b"})
                finally:
                    await asyncio.to_thread(local.start_node, settings, 1)
                first = await under_way
                await eventually(lambda: publisher.degraded_reason is None, 60, "reachable again", step_s=0.2)
                retries = [await post(session, {"record_id": f"{prefix}-{r}"}) for r in "ab"]
                return first, refused, retries

        (a_status, a_answer, _), (b_status, b_answer, b_headers), retries = asyncio.run(scenario())
        assert (a_status, b_status) == (503, 503) and int(b_headers["Retry-After"]) > 0
        assert all("nothing of this request was published" in answer["error"] for answer in (a_answer, b_answer))
        assert [status for status, _ in retries] == [202, 202]
        assert landed(connection, "police", prefix).event_ids == {f"{prefix}-a": 1, f"{prefix}-b": 1}
