"""Password checks run on the gate's own thread; beyond its queue a sign-in is refused at once."""

import asyncio
import threading

import pytest

from console.signin_gate import SignInGate, SignInsBusy


def blocked_check(release: threading.Event, started: threading.Semaphore):
    def check() -> str:
        started.release()
        release.wait()
        return threading.current_thread().name
    return check


class TestTheSignInGate:
    def test_admits_its_workers_and_queue_and_refuses_the_rest_before_any_work(self):
        async def scenario():
            gate, release, started = SignInGate(workers=1, max_waiting=2), threading.Event(), threading.Semaphore(0)
            ran = []
            admitted = [asyncio.create_task(gate.run(blocked_check(release, started))) for _ in range(3)]
            await asyncio.sleep(0)
            await asyncio.to_thread(started.acquire)            # the first check holds the one thread
            with pytest.raises(SignInsBusy):
                await gate.run(lambda: ran.append("refused check"))
            release.set()
            names = await asyncio.gather(*admitted)
            gate.close()
            return names, ran, gate.admitted
        names, ran, admitted = asyncio.run(scenario())
        assert ran == [] and admitted == 0
        assert all(name.startswith("sign-in") for name in names)   # never the default pool's threads

    def test_a_failed_check_gives_its_place_back(self):
        async def scenario():
            gate = SignInGate(workers=1, max_waiting=0)

            def fails() -> None:
                raise RuntimeError("database gone")
            with pytest.raises(RuntimeError):
                await gate.run(fails)
            result = await gate.run(lambda: "next one runs")
            gate.close()
            return result
        assert asyncio.run(scenario()) == "next one runs"

    def test_a_gate_without_a_worker_is_refused(self):
        with pytest.raises(ValueError):
            SignInGate(workers=0)

    def test_hashes_run_at_a_lower_cpu_priority_than_the_pages(self):
        import os

        async def scenario():
            gate = SignInGate()
            nice = await gate.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
            gate.close()
            return nice
        assert asyncio.run(scenario()) > os.getpriority(os.PRIO_PROCESS, 0)
