"""Where the cores went during a timed window of ``bench intake --processes``, read from ``/proc``.

A rate alone cannot say why two connector processes are not twice as fast as one on a machine
whose two cores also run the broker, the load client and other people's work. This reads, before
and after the window, the CPU time (``utime + stime`` of ``/proc/<pid>/stat``) of each process
of interest (each connector child, its supervisor, the broker, the load client, the bench itself)
and the machine's busy and idle time (``/proc/stat``), so the report can say per record how much
CPU each took, how busy each child was (CPU seconds over wall seconds: 100% is a child bounded by
its core, less is a child waiting), and how much of the machine was idle or taken by others.

Linux only; on another system every figure is None and the report leaves the accounting out.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CpuMeter", "CpuWindow", "ONE_CORE", "ceiling", "children_of", "describe", "machine_times",
           "process_cpu_s", "stat_cpu_s"]

ONE_CORE = ("child", "connector")
"""Name prefixes of the processes that are one Python thread each (at most one core), by default."""

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stat_cpu_s(stat: str) -> float:
    """``utime + stime`` in seconds from the text of a ``/proc/<pid>/stat`` (the command name, in
    parentheses, may itself hold spaces and parentheses: fields are counted after the last one)."""
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / _TICK   # fields 14 and 15 of proc(5), counted from 1


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds ``pid`` used so far (its own, not its children's), or None if it is gone."""
    try:
        return stat_cpu_s(Path(f"/proc/{pid}/stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def children_of(pid: int) -> list[int]:
    """The live child processes of ``pid`` (``/proc/<pid>/task/*/children``)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(p) for p in (task / "children").read_text().split())
    except OSError:
        return found
    return sorted(set(found))


def machine_times(line: str | None = None) -> tuple[float, float] | None:
    """(busy, idle) core-seconds since boot from the ``cpu`` line of ``/proc/stat`` (iowait counts
    as idle; guest time is already inside user time), or None where there is no ``/proc``."""
    if line is None:
        try:
            with open("/proc/stat") as stat:
                line = stat.readline()
        except OSError:
            return None
    ticks = [int(v) for v in line.split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (ticks + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / _TICK, (idle + iowait) / _TICK


@dataclass(frozen=True)
class CpuWindow:
    """The CPU seconds of each named process and of the machine over one timed window."""

    wall_s: float
    cpu_s: dict[str, float | None]          # per process name, None if it ended within the window
    machine_busy_s: float | None = None     # core-seconds, every process of the machine
    machine_idle_s: float | None = None
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def others_s(self) -> float | None:
        """Busy core-seconds of processes not named (other work on the machine, kernel threads)."""
        if self.machine_busy_s is None:
            return None
        return self.machine_busy_s - sum(v for v in self.cpu_s.values() if v is not None)

    @property
    def idle_share(self) -> float | None:
        if self.machine_busy_s is None or self.machine_idle_s is None:
            return None
        total = self.machine_busy_s + self.machine_idle_s
        return self.machine_idle_s / total if total > 0 else None

    def as_dict(self) -> dict:
        return {"wall_s": self.wall_s, "cpu_s": dict(self.cpu_s), "machine_busy_s": self.machine_busy_s,
                "machine_idle_s": self.machine_idle_s, "others_s": self.others_s, "idle_share": self.idle_share,
                "cores": self.cores}


class CpuMeter:
    """``start()`` then ``stop()`` around a window; the processes are named when the meter is made."""

    def __init__(self, processes: dict[str, int]) -> None:
        self.processes = dict(processes)
        self._cpu: dict[str, float | None] = {}
        self._machine: tuple[float, float] | None = None
        self._wall = 0.0

    def start(self) -> None:
        self._cpu = {name: process_cpu_s(pid) for name, pid in self.processes.items()}
        self._machine = machine_times()
        self._wall = time.perf_counter()

    def stop(self) -> CpuWindow:
        wall = time.perf_counter() - self._wall
        machine = machine_times()
        cpu: dict[str, float | None] = {}
        for name, pid in self.processes.items():
            now, before = process_cpu_s(pid), self._cpu.get(name)
            cpu[name] = None if now is None or before is None else now - before
        if machine is None or self._machine is None:
            return CpuWindow(wall, cpu)
        return CpuWindow(wall, cpu, machine[0] - self._machine[0], machine[1] - self._machine[1])


def ceiling(window: dict, records: int, one_core: tuple[str, ...] = ONE_CORE) -> float | None:
    """The records/s this machine would allow if nothing else ran on it, from the window's CPU per
    record: the named processes together get at most every core, and each process named with a
    prefix of `one_core` at most one (it is one Python thread; `()`: the cores alone bound it).
    None when a figure is missing."""
    cpu = window["cpu_s"]
    if any(v is None for v in cpu.values()) or not records:
        return None
    ours = sum(cpu.values()) / records
    single = [v / records for name, v in cpu.items() if one_core and name.startswith(one_core)]
    bounds = [window["cores"] / ours] if ours > 0 else []
    bounds += [1 / c for c in single if c > 0]
    return min(bounds) if bounds else None


def describe(window: dict, records: int, one_core: tuple[str, ...] = ONE_CORE, unit: str = "record") -> str:
    """One line of a window's accounting (``CpuWindow.as_dict``): CPU microseconds per record of
    each process (with each one-core process's busy share of its wall time), of other work on the
    machine, and the machine's idle share."""
    wall, parts = window["wall_s"], []
    for name, cpu in window["cpu_s"].items():
        if cpu is None:
            parts.append(f"{name} ?")
            continue
        busy = f" busy {cpu / wall:.0%}" if one_core and name.startswith(one_core) and wall > 0 else ""
        parts.append(f"{name} {cpu / records * 1e6:,.0f}{busy}")
    if window.get("others_s") is not None:
        parts.append(f"others {window['others_s'] / records * 1e6:,.0f}")
    line = f"CPU us/{unit}: {', '.join(parts)}"
    if window.get("idle_share") is not None:
        line += f"; machine idle {window['idle_share']:.0%} of {window['cores']} cores over {wall:.1f} s"
    bound = ceiling(window, records, one_core)
    if bound is not None:
        line += f"; alone on the machine at most {bound:,.0f} {unit}s/s"
    return line
