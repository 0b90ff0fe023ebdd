"""A real local Apache Kafka 4.1 KRaft cluster, started from Maven jars (``sanpalang kafka up``).

Kafka has no embedded mode, so the hub starts the real broker: jars resolved once by Maven into
``settings.kafka_libs`` (``ops.kafka.jars``), storage formatted by ``kafka.tools.StorageTool``, each
node a background ``java -cp 'libs/*' kafka.Kafka`` in its own session with a pid file and its logs
under ``settings.kafka_dir/node-<n>/``. ``cluster.json`` (see ``connection.state_file``) tells every
other command how to reach it. What each node is told is decided by the pure ``ops.kafka.config``;
this module is the thin shell that touches processes, ports and files. The public names of all three
modules are importable from here.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

from ops.kafka.config import (ADMIN_USER, ClusterSpec, ClusterState, ClusterStatus, KafkaSetupError,
                              KafkaStartError, NodeSpec, NodeStatus, PortInUseError, format_command,
                              jars_version, last_lines, new_cluster_id, node_command, plan_cluster,
                              render_properties, server_properties)
from runtime.connection import KafkaConnection, state_file
from ops.kafka.jars import Progress, ensure_jars, find_tool, missing_packages, silent
from runtime.lifetime import tied_child
from runtime.settings import Settings

__all__ = [
    "ClusterSpec", "ClusterState", "ClusterStatus", "KafkaSetupError", "KafkaStartError", "NodeSpec",
    "NodeStatus", "PortInUseError", "down", "ensure_jars", "format_command", "jars_version",
    "missing_packages", "new_cluster_id", "node_command", "plan_cluster", "render_properties", "server_properties",
    "start_node", "status", "stop_node", "up",
]

READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 60.0
PORTS_FREED_S = 30.0


# --- What is running: the state file and the status --------------------------------------------

def status(settings: Settings) -> ClusterStatus:
    state = _read_state(settings)
    alive = _node_pids(settings)
    ports = state.ports if state else {}
    nodes = [NodeStatus(n, alive.get(n) or _pid_in_file(settings, n), n in alive, ports.get(n, (None,))[0])
             for n in sorted(set(ports) | set(alive))]
    return ClusterStatus(bool(alive), nodes, state.bootstrap if state else None, bool(state and state.sasl),
                         jars_version(settings.kafka_libs) or (state.kafka_version if state else None))


def _read_state(settings: Settings) -> ClusterState | None:
    """None when there is no state, or it cannot be read (``up`` then refuses rather than start anew
    over data it cannot place)."""
    path = state_file(settings)
    try:
        return ClusterState.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _require_state(settings: Settings, node_id: int) -> ClusterState:
    state = _read_state(settings)
    if state is None:
        raise KafkaSetupError(f"no local cluster under {settings.kafka_dir}; start one with `sanpalang kafka up`")
    if node_id not in state.ports:
        raise KafkaSetupError(f"node {node_id} is not part of the local cluster (nodes 1..{state.nodes})")
    return state


def _write_private(path: Path, text: str) -> None:
    """Written 0600 and renamed into place: these files hold the admin password."""
    staging = path.with_name(f".{path.name}.tmp")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(staging, path)


def _write_state(settings: Settings, state: ClusterState) -> None:
    _write_private(state_file(settings), json.dumps(state.to_json(), indent=2) + "\n")


# --- Starting and stopping nodes ---------------------------------------------------------------

def up(settings: Settings, *, nodes: int = 1, sasl: bool = False, progress: Progress = silent,
       extra_properties: Mapping[str, str] | None = None, tied: bool = False) -> ClusterState:
    """Start ``nodes`` combined broker+controller nodes and return once every one answers metadata.

    A cluster recorded in the state file is never replaced: its stopped nodes (after ``down``, a
    ``kill -9``, an out-of-memory kill, a reboot) are started again on their own data, which KRaft
    recovers, and the same shape already running is a no-op; another shape is an error. Only
    ``down(purge=True)`` deletes data. Without a state file, what a start that never completed left
    behind (it writes the state only once the cluster answered) is removed and a cluster formatted.
    A failed start kills what it launched and raises with the log's last lines.
    ``extra_properties`` override the rendered configuration (tests use it to break a node).
    ``tied`` nodes are killed when the calling process ends abruptly (the demo's broker: with the
    demo gone nobody would bound their shutdown; KRaft recovers from the kill on the next ``up``).
    """
    if settings.is_external:
        raise KafkaSetupError("SANPALANG_KAFKA_BOOTSTRAP is set: the hub uses that cluster and starts none")
    current = _read_state(settings)
    if current is not None:
        return _resume(settings, current, nodes, sasl, progress, tied)
    if state_file(settings).exists():
        raise KafkaSetupError(f"{state_file(settings)} cannot be read, so the local cluster's data under "
                              f"{settings.kafka_dir} cannot be started again; `sanpalang kafka down --purge` "
                              "deletes that data, then `up` starts an empty cluster")
    if any(settings.kafka_dir.glob("node-*")):
        progress(f"removing what an unfinished start left under {settings.kafka_dir}")
        down(settings, progress, purge=True)
    spec = plan_cluster(settings.kafka_host, settings.kafka_port, nodes, sasl,
                        secrets.token_hex(16) if sasl else None)
    _check_ports(spec.host, [port for node in spec.nodes for port in node[1:]])
    libs = ensure_jars(settings, progress)
    java = Path(find_tool("java"))
    for node in spec.nodes:
        node_dir = _node_dir(settings, node.node_id)
        settings.kafka_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
        node_dir.mkdir(mode=0o700)
        (node_dir / "logs").mkdir(mode=0o700)
        props = {**server_properties(spec, node.node_id, node_dir / "data"), **(extra_properties or {})}
        _write_private(node_dir / "server.properties", render_properties(props))
    cluster_id = new_cluster_id()
    progress(f"formatting storage of {nodes} node(s), cluster id {cluster_id}")
    _format_storage(settings, java, libs, spec, cluster_id)
    pids: dict[int, int] = {}
    try:
        for node in spec.nodes:
            pids[node.node_id] = _launch(settings, java, libs, node.node_id, tied)
        progress(f"waiting for Kafka to answer on {spec.bootstrap}")
        _wait_ready(settings, KafkaConnection(spec.bootstrap, spec.security_protocol,
                                              ADMIN_USER if sasl else None, spec.admin_password), pids)
    except BaseException:
        _kill(settings, pids)
        raise
    state = ClusterState(spec.bootstrap, spec.security_protocol, spec.host, nodes, sasl, jars_version(libs),
                         cluster_id, {n.node_id: (n.client_port, n.controller_port) for n in spec.nodes},
                         dict(pids), datetime.now(timezone.utc), ADMIN_USER if sasl else None,
                         spec.admin_password)
    _write_state(settings, state)
    progress(f"Kafka {state.kafka_version} is up at {state.bootstrap}")
    return state


def _resume(settings: Settings, state: ClusterState, nodes: int, sasl: bool, progress: Progress,
            tied: bool) -> ClusterState:
    wanted = plan_cluster(settings.kafka_host, settings.kafka_port, nodes)
    if (state.nodes, state.sasl, state.bootstrap) != (nodes, sasl, wanted.bootstrap):
        raise KafkaSetupError(
            f"the local cluster under {settings.kafka_dir} is a {_shape(state.nodes, state.sasl)} at "
            f"{state.bootstrap}; start it with the same options, or delete it and its topics with "
            f"`sanpalang kafka down --purge` first to start a {_shape(nodes, sasl)} at {wanted.bootstrap}")
    stopped = sorted(set(state.ports) - set(_node_pids(settings)))
    if not stopped:
        progress(f"Kafka is already up at {state.bootstrap}")
        return state
    state = _start_nodes(settings, state, stopped, progress, tied)
    progress(f"Kafka {state.kafka_version} is up at {state.bootstrap}, on its existing data")
    return state


def _start_nodes(settings: Settings, state: ClusterState, node_ids: list[int], progress: Progress,
                 tied: bool = False) -> ClusterState:
    """Launch the stopped ``node_ids`` on their own properties and data together (a KRaft quorum
    whose voters are all down forms only once a majority runs), then wait until each answers."""
    for node_id in node_ids:
        if not (_node_dir(settings, node_id) / "data" / "meta.properties").exists():
            raise KafkaSetupError(f"node {node_id}'s data under {_node_dir(settings, node_id)} is gone, so the "
                                  "cluster cannot be started on it; `sanpalang kafka down --purge` deletes the "
                                  "rest, then `up` starts an empty cluster")
    own = [port for node_id in node_ids for port in state.ports[node_id]]
    deadline = time.monotonic() + PORTS_FREED_S      # a killed node's sockets may outlive it a moment
    while any(_port_taken(state.host, port) for port in own) and time.monotonic() < deadline:
        time.sleep(0.5)
    _check_ports(state.host, own)
    progress(f"starting Kafka node(s) {', '.join(map(str, node_ids))}")
    java = Path(find_tool("java"))
    pids: dict[int, int] = {}
    try:
        for node_id in node_ids:
            pids[node_id] = _launch(settings, java, settings.kafka_libs, node_id, tied)
        bootstrap = ",".join(f"{state.host}:{state.ports[n][0]}" for n in node_ids)
        _wait_ready(settings, KafkaConnection(bootstrap, state.security_protocol, state.admin_username,
                                              state.admin_password), pids)
    except BaseException:
        _kill(settings, pids)
        raise
    for node_id, pid in pids.items():
        state = state.with_pid(node_id, pid)
    _write_state(settings, state)
    return state


def _shape(nodes: int, sasl: bool) -> str:
    return f"{nodes}-node {'SASL ' if sasl else ''}cluster"


def down(settings: Settings, progress: Progress = silent, *, purge: bool = False,
         timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Stop every local node (SIGTERM; SIGKILL after ``timeout_s``), keeping its data for the next ``up``.

    ``purge`` also deletes the data, logs and state: every topic and record of the local cluster,
    and the cluster id and admin password, so that the next ``up`` formats a new, empty cluster.
    """
    pids = _node_pids(settings)
    if pids:
        progress(f"stopping Kafka node(s) {', '.join(map(str, sorted(pids)))}")
        _terminate(pids, progress, timeout_s)
    if purge:
        for node_dir in settings.kafka_dir.glob("node-*"):
            shutil.rmtree(node_dir, ignore_errors=True)
        state_file(settings).unlink(missing_ok=True)
        return
    for node_id in pids:
        (_node_dir(settings, node_id) / "kafka.pid").unlink(missing_ok=True)
    if (state := _read_state(settings)) is not None:
        for node_id in state.ports:
            state = state.with_pid(node_id, None)
        _write_state(settings, state)


def stop_node(settings: Settings, node_id: int, progress: Progress = silent) -> None:
    """Stop one node with SIGTERM and wait, keeping its data: the failover half of a test."""
    state = _require_state(settings, node_id)
    pid = _node_pids(settings).get(node_id)
    if pid:
        _terminate({node_id: pid}, progress)
    (_node_dir(settings, node_id) / "kafka.pid").unlink(missing_ok=True)
    _write_state(settings, state.with_pid(node_id, None))


def start_node(settings: Settings, node_id: int, progress: Progress = silent) -> None:
    """Restart a stopped node with its own properties and data; returns once it answers metadata."""
    state = _require_state(settings, node_id)
    if node_id not in _node_pids(settings):
        _start_nodes(settings, state, [node_id], progress)


def _node_dir(settings: Settings, node_id: int) -> Path:
    return settings.kafka_dir / f"node-{node_id}"


def _check_ports(host: str, ports: list[int] | tuple[int, ...]) -> None:
    taken = [port for port in ports if _port_taken(host, port)]
    if taken:
        raise PortInUseError(
            f"port {', '.join(map(str, taken))} on {host} is already in use by another program, so no "
            "broker was started. Stop that program (`ss -ltnp` shows which) or choose other ports with "
            "SANPALANG_KAFKA_PORT (node n uses port + 10*(n-1) and the next port for its controller).")


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


# --- Processes ---------------------------------------------------------------------------------

_children: dict[int, subprocess.Popen[bytes]] = {}


def _format_storage(settings: Settings, java: Path, libs: Path, spec: ClusterSpec, cluster_id: str) -> None:
    runs = {node.node_id: subprocess.Popen(
        format_command(java, libs, spec, cluster_id, _node_dir(settings, node.node_id) / "server.properties"),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, umask=0o077)
        for node in spec.nodes}
    failures = []
    for node_id, run in runs.items():
        try:
            output, _ = run.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            run.kill()
            output, _ = run.communicate()
        if run.returncode:
            failures.append(f"  node {node_id}:\n" + last_lines(output.decode(errors="replace"), 30))
    if failures:
        raise KafkaStartError("formatting the Kafka storage failed:\n" + "\n".join(failures))


def _launch(settings: Settings, java: Path, libs: Path, node_id: int, tied: bool = False) -> int:
    """Start one node in its own session, so a Ctrl-C meant for the CLI does not reach the broker,
    with umask 077: its log segments hold whole intake records, readable by its own user only."""
    node_dir = _node_dir(settings, node_id)
    with open(node_dir / "logs" / "console.log", "ab") as console:
        child = subprocess.Popen(node_command(java, libs, node_dir / "server.properties",
                                              access_log=settings.kafka_access_log), cwd=node_dir,
                                 stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                                 start_new_session=True, umask=0o077, preexec_fn=tied_child(signal.SIGKILL) if tied else None)
    _children[child.pid] = child
    (node_dir / "kafka.pid").write_text(f"{child.pid}\n")
    return child.pid


def _alive(pid: int) -> bool:
    """Reaps our own children and counts zombies as dead, so an exited broker is never 'alive'."""
    if (child := _children.get(pid)) is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_node(pid: int, node_dir: Path) -> bool:
    """Guards against a recycled pid: the process must be the broker reading this node's properties."""
    try:
        return str(node_dir / "server.properties").encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False


def _pid_in_file(settings: Settings, node_id: int) -> int | None:
    try:
        return int((_node_dir(settings, node_id) / "kafka.pid").read_text())
    except (OSError, ValueError):
        return None


def _node_pids(settings: Settings) -> dict[int, int]:
    """The nodes under ``kafka_dir`` whose process is running, by node id."""
    running = {}
    for node_dir in settings.kafka_dir.glob("node-*"):
        node_id = int(node_dir.name.removeprefix("node-"))
        pid = _pid_in_file(settings, node_id)
        if pid and _alive(pid) and _is_node(pid, node_dir):
            running[node_id] = pid
    return running


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _wait_exit(pids: Mapping[int, int], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)


def _terminate(pids: Mapping[int, int], progress: Progress, timeout_s: float = STOP_TIMEOUT_S) -> None:
    for pid in pids.values():
        _signal(pid, signal.SIGTERM)
    _wait_exit(pids, timeout_s)
    for node_id, pid in pids.items():
        if _alive(pid):
            progress(f"node {node_id} (pid {pid}) did not stop within {timeout_s:.0f} s; killing it")
            _signal(pid, signal.SIGKILL)
    _wait_exit(pids, 10)


def _kill(settings: Settings, pids: Mapping[int, int]) -> None:
    """After a failed start there is nothing to shut down gracefully."""
    for pid in pids.values():
        _signal(pid, signal.SIGKILL)
    _wait_exit(pids, 10)
    for node_id in pids:
        (_node_dir(settings, node_id) / "kafka.pid").unlink(missing_ok=True)


def _wait_ready(settings: Settings, connection: KafkaConnection, pids: Mapping[int, int],
                timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll until every node in ``pids`` is a live broker in the metadata; fail fast if one exits."""
    deadline = time.monotonic() + timeout_s
    addresses = [address.rsplit(":", 1) for address in connection.bootstrap.split(",")]
    reason = "its port is not open yet"
    while True:
        for node_id, pid in pids.items():
            if not _alive(pid):
                code = _children[pid].returncode if pid in _children else None
                raise KafkaStartError(f"Kafka node {node_id} exited while starting"
                                      f"{f' (status {code})' if code is not None else ''}.\n"
                                      + _log_tail(settings, node_id))
        if all(_port_open(host, int(port)) for host, port in addresses):
            reason = _brokers_missing(connection, set(pids)) or ""
            if not reason:
                return
        if time.monotonic() >= deadline:
            raise KafkaStartError(f"Kafka did not answer a metadata request within {timeout_s:.0f} s "
                                  f"({reason}).\n" + "\n".join(_log_tail(settings, n) for n in pids))
        time.sleep(0.5)


def _brokers_missing(connection: KafkaConnection, node_ids: set[int]) -> str | None:
    """Why the cluster is not ready yet, or None once every node is a registered, unfenced broker."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(**connection.kafka_python(), client_id="sanpalang-kafka-up",
                                 bootstrap_timeout_ms=5000, request_timeout_ms=5000)
    except KafkaError as error:
        return f"{type(error).__name__}: {error}"
    try:
        brokers = {broker["broker_id"] for broker in admin.describe_cluster()["brokers"]}
    except KafkaError as error:
        return f"{type(error).__name__}: {error}"
    finally:
        admin.close()
    missing = node_ids - brokers
    return f"node(s) {sorted(missing)} not registered yet" if missing else None


def _log_tail(settings: Settings, node_id: int, count: int = 30) -> str:
    logs = _node_dir(settings, node_id) / "logs"
    parts = []
    for path in (logs / "server.log", logs / "console.log"):
        if text := _read_end(path).strip():
            parts.append(f"  last lines of {path}:\n" + last_lines(text, count))
    return "\n".join(parts) or f"  (node {node_id} wrote nothing under {logs})"


def _read_end(path: Path, size: int = 64 * 1024) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - size))
            return log.read().decode(errors="replace")
    except OSError:
        return ""
