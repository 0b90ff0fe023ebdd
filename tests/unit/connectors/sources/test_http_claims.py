"""A key's claim is held against every other holder, in this process or another, until released."""

import asyncio

from connectors.sources.http_claims import KeyClaims


def test_a_second_claim_of_a_key_waits_until_the_first_is_released(tmp_path):
    claims, order = KeyClaims(tmp_path / "claims"), []

    async def hold(name: str, until: asyncio.Event | None, started: asyncio.Event | None = None) -> None:
        async with claims.held("key-1"):
            order.append(f"{name} in")
            if started:
                started.set()
            if until:
                await until.wait()
            order.append(f"{name} out")

    async def scene() -> None:
        release, started = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(hold("first", release, started))
        await started.wait()
        second = asyncio.create_task(hold("second", None))
        await asyncio.sleep(0.05)
        assert order == ["first in"]
        release.set()
        await asyncio.gather(first, second)

    asyncio.run(scene())
    assert order == ["first in", "first out", "second in", "second out"]


def test_keys_of_other_stripes_do_not_wait(tmp_path):
    claims = KeyClaims(tmp_path / "claims")
    other = next(f"key-{n}" for n in range(1000) if claims.stripe(f"key-{n}") != claims.stripe("key-0"))

    async def scene() -> None:
        async with claims.held("key-0"):
            await asyncio.wait_for(_enter(claims, other), timeout=5)

    asyncio.run(scene())


async def _enter(claims: KeyClaims, key: str) -> None:
    async with claims.held(key):
        pass


def test_the_stripes_are_private_to_the_connectors_user(tmp_path):
    claims = KeyClaims(tmp_path / "claims")
    asyncio.run(_enter(claims, "key-0"))
    assert (tmp_path / "claims").stat().st_mode & 0o777 == 0o700
    assert claims.stripe("key-0").stat().st_mode & 0o777 == 0o600
