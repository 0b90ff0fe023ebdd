"""A real local Apache Kafka 4.1 KRaft cluster, started from Maven jars (``sanpalang kafka up``).

Kafka has no embedded mode, so the hub starts the real broker: jars resolved once by Maven into
``settings.kafka_libs``, storage formatted by ``kafka.tools.StorageTool``, each node a background
``java -cp 'libs/*' kafka.Kafka`` in its own session with a pid file and its logs under
``settings.kafka_dir/node-<n>/``. ``cluster.json`` (see ``connection.state_file``) tells every other
command how to reach it. The configuration is rendered by pure functions so that it can be tested
without a JVM; everything that touches processes, ports and files is the thin shell below them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from ops.kafka.connection import KafkaConnection, state_file
from ops.settings import Settings

__all__ = [
    "ClusterSpec", "ClusterState", "ClusterStatus", "KafkaSetupError", "KafkaStartError", "NodeSpec",
    "NodeStatus", "PortInUseError", "down", "ensure_jars", "format_command", "jars_version",
    "missing_packages", "new_cluster_id", "node_command", "plan_cluster", "render_properties", "server_properties",
    "start_node", "status", "stop_node", "up",
]

Progress = Callable[[str], None]
ADMIN_USER = "admin"
SCRAM = "SCRAM-SHA-512"
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 60.0
DEBIAN_PACKAGES = {"java": "openjdk-17-jre-headless", "mvn": "maven"}
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true")
LOG4J_CONFIG = Path(__file__).with_name("log4j2.xml")
POM = Path(__file__).with_name("pom.xml")


def _silent(_: str) -> None:
    pass


class KafkaSetupError(RuntimeError):
    """The machine or the local state cannot run a broker yet; the message says what to do."""


class PortInUseError(KafkaSetupError):
    """Another program listens on a port the local cluster needs; found before anything starts."""


class KafkaStartError(RuntimeError):
    """A broker exited or did not answer in time; the message carries the last lines of its log."""


# --- Pure: the shape of a cluster and the configuration of its nodes -------------------------

class NodeSpec(NamedTuple):
    node_id: int
    client_port: int
    controller_port: int


@dataclass(frozen=True)
class ClusterSpec:
    """Where each node listens and how clients authenticate; every node's properties derive from it."""

    host: str
    nodes: tuple[NodeSpec, ...]
    sasl: bool = False
    admin_password: str | None = None

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{self.host}:{n.client_port}" for n in self.nodes)

    @property
    def security_protocol(self) -> str:
        return "SASL_PLAINTEXT" if self.sasl else "PLAINTEXT"

    @property
    def voters(self) -> str:
        return ",".join(f"{n.node_id}@{self.host}:{n.controller_port}" for n in self.nodes)

    def node(self, node_id: int) -> NodeSpec:
        return next(n for n in self.nodes if n.node_id == node_id)


def plan_cluster(host: str, base_port: int, nodes: int = 1, sasl: bool = False,
                 admin_password: str | None = None) -> ClusterSpec:
    """Node n takes client port ``base + 10*(n-1)`` and the next port for its controller."""
    if not 1 <= nodes <= 9:
        raise KafkaSetupError(f"--nodes {nodes}: a local cluster has 1 to 9 nodes (1 or 3 are the usual)")
    if sasl and not admin_password:
        raise KafkaSetupError("a SASL cluster needs an admin password")
    specs = tuple(NodeSpec(n, base_port + 10 * (n - 1), base_port + 10 * (n - 1) + 1)
                  for n in range(1, nodes + 1))
    if specs[-1].controller_port > 65535:
        raise KafkaSetupError(f"port {base_port} leaves no room for {nodes} node(s) below 65536")
    return ClusterSpec(host, specs, sasl, admin_password if sasl else None)


def server_properties(spec: ClusterSpec, node_id: int, data_dir: Path) -> dict[str, str]:
    """The broker+controller configuration of one node, light enough for a 2-core laptop."""
    node = spec.node(node_id)
    replicas = min(len(spec.nodes), 3)
    min_isr = "2" if replicas == 3 else "1"
    protocol = spec.security_protocol
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": spec.voters,
        "listeners": f"CLIENT://{spec.host}:{node.client_port},CONTROLLER://{spec.host}:{node.controller_port}",
        "advertised.listeners": f"CLIENT://{spec.host}:{node.client_port}",
        "listener.security.protocol.map": f"CLIENT:{protocol},CONTROLLER:{protocol}",
        "inter.broker.listener.name": "CLIENT",
        "controller.listener.names": "CONTROLLER",
        "log.dirs": str(data_dir),
        "num.partitions": "1",
        "default.replication.factor": str(replicas),
        "offsets.topic.replication.factor": str(replicas),
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": str(replicas),
        "transaction.state.log.min.isr": min_isr,
        "transaction.state.log.num.partitions": "10",
        "share.coordinator.state.topic.replication.factor": str(replicas),
        "share.coordinator.state.topic.min.isr": min_isr,
        "share.coordinator.state.topic.num.partitions": "10",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "false",
        "num.network.threads": "2",
        "num.io.threads": "2",
        "num.recovery.threads.per.data.dir": "1",
        "background.threads": "4",
        "log.segment.bytes": str(16 * 1024 * 1024),
        "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
    }
    if spec.sasl:
        props.update(_sasl_properties(spec.admin_password or ""))
    return props


def _sasl_properties(password: str) -> dict[str, str]:
    """SCRAM for clients and replication; PLAIN on the controller listener, where SCRAM cannot work
    because the credentials live in the metadata log the controllers are still electing over."""
    scram_jaas = ('org.apache.kafka.common.security.scram.ScramLoginModule required '
                  f'username="{ADMIN_USER}" password="{password}";')
    plain_jaas = ('org.apache.kafka.common.security.plain.PlainLoginModule required '
                  f'username="{ADMIN_USER}" password="{password}" user_{ADMIN_USER}="{password}";')
    return {
        "sasl.enabled.mechanisms": SCRAM,
        "sasl.mechanism.inter.broker.protocol": SCRAM,
        "listener.name.client.sasl.enabled.mechanisms": SCRAM,
        f"listener.name.client.{SCRAM.lower()}.sasl.jaas.config": scram_jaas,
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
        "listener.name.controller.plain.sasl.jaas.config": plain_jaas,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": f"User:{ADMIN_USER}",
    }


def render_properties(props: Mapping[str, str]) -> str:
    """Java .properties text; backslashes and line breaks escaped so a value cannot inject a key."""
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return "".join(f"{key}={escape(value)}\n" for key, value in props.items())


def format_command(java: Path, libs: Path, spec: ClusterSpec, cluster_id: str, props: Path) -> list[str]:
    """StorageTool without ``--standalone``: the voters are static, listed in the properties."""
    command = [str(java), "-Xmx256m", *_log_options(props.parent), "-cp", f"{libs}/*",
               "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props)]
    if spec.sasl:
        command += ["--add-scram", f"{SCRAM}=[name={ADMIN_USER},password={spec.admin_password}]"]
    return command


def node_command(java: Path, libs: Path, props: Path) -> list[str]:
    return [str(java), *JVM_OPTIONS, *_log_options(props.parent), "-cp", f"{libs}/*", "kafka.Kafka", str(props)]


def _log_options(node_dir: Path) -> list[str]:
    return [f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", f"-Dkafka.logs.dir={node_dir / 'logs'}"]


def jars_version(libs: Path) -> str | None:
    """The Kafka version the cached jars really are, read from the ``kafka_2.13-<v>.jar`` name."""
    jars = sorted(libs.glob("kafka_2.13-*.jar")) if libs.is_dir() else []
    return jars[0].name.removeprefix("kafka_2.13-").removesuffix(".jar") if jars else None


def new_cluster_id() -> str:
    """Kafka's own format (base64url of a random UUID); never starting with '-', which the CLI parser
    would take for an option."""
    while (cid := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"):
        pass
    return cid


# --- Jars and tools ----------------------------------------------------------------------------

def missing_packages(settings: Settings) -> list[str]:
    """Debian packages to install before a broker can run here (Maven only while jars are missing)."""
    needed = ["java"] if jars_version(settings.kafka_libs) else ["java", "mvn"]
    return [DEBIAN_PACKAGES[tool] for tool in needed if not shutil.which(tool)]


def _install_tools(settings: Settings, progress: Progress) -> None:
    packages = missing_packages(settings)
    if not packages:
        return
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or not apt:
        raise KafkaSetupError(f"Kafka needs Java 17 and Maven; install them first: "
                              f"sudo apt-get install -y {' '.join(packages)}")
    progress(f"installing {' '.join(packages)} with apt-get (running as root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for args in (["update"], ["install", "-y", "--no-install-recommends", *packages]):
        done = subprocess.run([apt, *args], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
        if done.returncode:
            raise KafkaSetupError(f"apt-get {args[0]} failed; install {' '.join(packages)} by hand:\n"
                                  + _last_lines(done.stdout + done.stderr, 20))


def ensure_jars(settings: Settings, progress: Progress = _silent) -> Path:
    """Resolve the broker's jars once per machine and version; later calls return at once."""
    _install_tools(settings, progress)
    libs = settings.kafka_libs
    if jars_version(libs) != settings.kafka_version:
        _resolve_jars(settings, progress)
    else:
        _add_slf4j_binding(libs, progress)
    return libs


def _resolve_jars(settings: Settings, progress: Progress) -> None:
    """Copy into a staging directory and rename it into place, so a half download is never used."""
    libs = settings.kafka_libs
    libs.parent.mkdir(parents=True, exist_ok=True)
    staging = libs.parent / f".libs-{secrets.token_hex(4)}"
    progress(f"downloading Kafka {settings.kafka_version} jars from Maven Central into {libs} "
             "(minutes the first time)")
    try:
        _run_maven(["dependency:copy-dependencies", f"-DoutputDirectory={staging}",
                    f"-Dkafka.version={settings.kafka_version}"], progress)
        _add_slf4j_binding(staging, progress)
        try:
            staging.rename(libs)
        except OSError:
            if jars_version(libs) != settings.kafka_version:
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(f"Kafka {settings.kafka_version} jars ready")


def _add_slf4j_binding(libs: Path, progress: Progress) -> None:
    if binding := _missing_slf4j_binding(libs):
        progress(f"adding the SLF4J 1 logging binding {binding}")
        _run_maven(["dependency:copy", f"-Dartifact={binding}", f"-DoutputDirectory={libs}"], progress)


def _missing_slf4j_binding(libs: Path) -> str | None:
    """Kafka 4.x pins slf4j-api 1.7 (SLF4J 2 waits for Kafka 5, KIP-1064), whose log4j2 binding is
    ``log4j-slf4j-impl``; with only ``log4j-slf4j2-impl`` the broker would log nothing at all."""
    if not any(libs.glob("slf4j-api-1.*.jar")) or any(libs.glob("log4j-slf4j-impl-*.jar")):
        return None
    cores = sorted(libs.glob("log4j-core-*.jar"))
    version = cores[0].name.removeprefix("log4j-core-").removesuffix(".jar") if cores else "2.25.3"
    return f"org.apache.logging.log4j:log4j-slf4j-impl:{version}"


def _run_maven(goal: list[str], progress: Progress) -> None:
    """Stream Maven's downloads as progress lines: a fresh machine fetches ~90 jars."""
    command = [_tool("mvn"), "-B", "-Dstyle.color=never", "-f", str(POM), *goal]
    output: list[str] = []
    downloaded = 0
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, text=True) as maven:
        assert maven.stdout is not None
        for line in maven.stdout:
            output.append(line)
            message = line.removeprefix("[INFO] ")
            if message.startswith("Downloaded from"):
                downloaded += 1
                url, _, size = message.partition(" (")
                if url.endswith(".jar"):
                    progress(f"  [{downloaded}] {url.rsplit('/', 1)[-1]} ({size.split(' at ')[0]})")
    if maven.returncode:
        raise KafkaSetupError("Maven could not resolve the Kafka jars (network? a proxy belongs in "
                              "~/.m2/settings.xml):\n" + _last_lines("".join(output), 30))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise KafkaSetupError(f"`{name}` is not on PATH; install {DEBIAN_PACKAGES[name]}")
    return str(Path(path).resolve())


def _last_lines(text: str, count: int) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-count:])


# --- What is running: the state file and the status --------------------------------------------

@dataclass(frozen=True)
class ClusterState:
    """What ``cluster.json`` records; ``resolve_connection`` reads bootstrap, security_protocol, admin."""

    bootstrap: str
    security_protocol: str
    host: str
    nodes: int
    sasl: bool
    kafka_version: str | None
    cluster_id: str
    ports: dict[int, tuple[int, int]]
    pids: dict[int, int | None]
    started_at: datetime
    admin_username: str | None = None
    admin_password: str | None = field(default=None, repr=False)

    @property
    def connection(self) -> KafkaConnection:
        return KafkaConnection(self.bootstrap, self.security_protocol, self.admin_username, self.admin_password)

    def with_pid(self, node_id: int, pid: int | None) -> "ClusterState":
        return ClusterState(**{**asdict(self), "pids": {**self.pids, node_id: pid}})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "bootstrap": self.bootstrap, "security_protocol": self.security_protocol, "host": self.host,
            "nodes": self.nodes, "sasl": self.sasl, "kafka_version": self.kafka_version,
            "cluster_id": self.cluster_id, "started_at": self.started_at.isoformat(),
            "ports": {str(n): {"client": c, "controller": k} for n, (c, k) in self.ports.items()},
            "pids": {str(n): pid for n, pid in self.pids.items()},
        }
        if self.sasl:
            data["admin"] = {"username": self.admin_username, "password": self.admin_password}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ClusterState":
        admin = data.get("admin") or {}
        return cls(
            bootstrap=data["bootstrap"], security_protocol=data["security_protocol"], host=data["host"],
            nodes=data["nodes"], sasl=data["sasl"], kafka_version=data.get("kafka_version"),
            cluster_id=data["cluster_id"],
            ports={int(n): (p["client"], p["controller"]) for n, p in data["ports"].items()},
            pids={int(n): pid for n, pid in data["pids"].items()},
            started_at=datetime.fromisoformat(data["started_at"]),
            admin_username=admin.get("username"), admin_password=admin.get("password"))


class NodeStatus(NamedTuple):
    node_id: int
    pid: int | None
    alive: bool
    port: int | None


@dataclass(frozen=True)
class ClusterStatus:
    """For ``sanpalang kafka status``; ``kafka_version`` comes from the jars, not from the state."""

    running: bool
    nodes: list[NodeStatus]
    bootstrap: str | None
    sasl: bool
    kafka_version: str | None

    def describe(self) -> str:
        """Human lines: the version first, because that is what people check after an upgrade."""
        version = f"Kafka {self.kafka_version}" if self.kafka_version else "Kafka (jars not downloaded yet)"
        if not self.nodes:
            return f"{version}: no local cluster; start one with `sanpalang kafka up`"
        alive = sum(node.alive for node in self.nodes)
        lines = [f"{version}: {alive} of {len(self.nodes)} node(s) running at {self.bootstrap} "
                 f"({'SASL/SCRAM-SHA-512' if self.sasl else 'PLAINTEXT'})"]
        lines += [f"  node {n.node_id}  port {n.port}  pid {n.pid or '-'}  {'running' if n.alive else 'stopped'}"
                  for n in self.nodes]
        return "\n".join(lines)


def status(settings: Settings) -> ClusterStatus:
    state = _read_state(settings)
    alive = _node_pids(settings)
    ports = state.ports if state else {}
    nodes = [NodeStatus(n, alive.get(n) or _pid_in_file(settings, n), n in alive, ports.get(n, (None,))[0])
             for n in sorted(set(ports) | set(alive))]
    return ClusterStatus(bool(alive), nodes, state.bootstrap if state else None, bool(state and state.sasl),
                         jars_version(settings.kafka_libs) or (state.kafka_version if state else None))


def _read_state(settings: Settings) -> ClusterState | None:
    """An unreadable state counts as none: ``up`` then starts afresh, after stopping whatever the
    pid files still name."""
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

def up(settings: Settings, *, nodes: int = 1, sasl: bool = False, progress: Progress = _silent,
       extra_properties: Mapping[str, str] | None = None) -> ClusterState:
    """Start ``nodes`` combined broker+controller nodes and return once every one answers metadata.

    The same shape already running is a no-op (a stopped node of it is restarted); another shape
    is an error, since silently replacing a cluster would lose its topics. A state whose processes
    are gone is cleaned up first. A failed start kills what it launched and raises with the log's
    last lines; the logs stay under ``kafka_dir`` until the next ``up`` or ``down``.
    ``extra_properties`` override the rendered configuration (tests use it to break a node).
    """
    if settings.is_external:
        raise KafkaSetupError("SANPALANG_KAFKA_BOOTSTRAP is set: the hub uses that cluster and starts none")
    current = _read_state(settings)
    if current is not None and _node_pids(settings):
        return _resume(settings, current, nodes, sasl, progress)
    if current is not None:
        progress(f"cleaning up a cluster under {settings.kafka_dir} whose processes are gone")
    down(settings, progress)
    spec = plan_cluster(settings.kafka_host, settings.kafka_port, nodes, sasl,
                        secrets.token_hex(16) if sasl else None)
    _check_ports(spec.host, [port for node in spec.nodes for port in node[1:]])
    libs = ensure_jars(settings, progress)
    java = Path(_tool("java"))
    for node in spec.nodes:
        node_dir = _node_dir(settings, node.node_id)
        (node_dir / "logs").mkdir(parents=True, mode=0o700)
        props = {**server_properties(spec, node.node_id, node_dir / "data"), **(extra_properties or {})}
        _write_private(node_dir / "server.properties", render_properties(props))
    cluster_id = new_cluster_id()
    progress(f"formatting storage of {nodes} node(s), cluster id {cluster_id}")
    _format_storage(settings, java, libs, spec, cluster_id)
    pids: dict[int, int] = {}
    try:
        for node in spec.nodes:
            pids[node.node_id] = _launch(settings, java, libs, node.node_id)
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


def _resume(settings: Settings, state: ClusterState, nodes: int, sasl: bool, progress: Progress) -> ClusterState:
    wanted = plan_cluster(settings.kafka_host, settings.kafka_port, nodes)
    if (state.nodes, state.sasl, state.bootstrap) != (nodes, sasl, wanted.bootstrap):
        raise KafkaSetupError(
            f"a {_shape(state.nodes, state.sasl)} is already running at {state.bootstrap}; run "
            f"`sanpalang kafka down` first to start a {_shape(nodes, sasl)} at {wanted.bootstrap}")
    for node_id in sorted(set(state.ports) - set(_node_pids(settings))):
        start_node(settings, node_id, progress)
    progress(f"Kafka is already up at {state.bootstrap}")
    return _read_state(settings) or state


def _shape(nodes: int, sasl: bool) -> str:
    return f"{nodes}-node {'SASL ' if sasl else ''}cluster"


def down(settings: Settings, progress: Progress = _silent) -> None:
    """Stop every local node (SIGTERM; SIGKILL after 60 s) and delete its data, logs and state.

    The data goes too: the local cluster is for development and tests, where a clean next ``up``
    (fresh cluster id, fresh admin password, no topics left over from another run) is worth more
    than keeping topics. With nothing running it only removes leftovers.
    """
    pids = _node_pids(settings)
    if pids:
        progress(f"stopping Kafka node(s) {', '.join(map(str, sorted(pids)))}")
        _terminate(pids, progress)
    for node_dir in settings.kafka_dir.glob("node-*"):
        shutil.rmtree(node_dir, ignore_errors=True)
    state_file(settings).unlink(missing_ok=True)


def stop_node(settings: Settings, node_id: int, progress: Progress = _silent) -> None:
    """Stop one node with SIGTERM and wait, keeping its data: the failover half of a test."""
    state = _require_state(settings, node_id)
    pid = _node_pids(settings).get(node_id)
    if pid:
        _terminate({node_id: pid}, progress)
    (_node_dir(settings, node_id) / "kafka.pid").unlink(missing_ok=True)
    _write_state(settings, state.with_pid(node_id, None))


def start_node(settings: Settings, node_id: int, progress: Progress = _silent) -> None:
    """Restart a stopped node with its own properties and data; returns once it answers metadata."""
    state = _require_state(settings, node_id)
    if node_id in _node_pids(settings):
        return
    _check_ports(state.host, state.ports[node_id])
    progress(f"starting Kafka node {node_id}")
    pid = _launch(settings, Path(_tool("java")), settings.kafka_libs, node_id)
    try:
        node_bootstrap = f"{state.host}:{state.ports[node_id][0]}"
        _wait_ready(settings, KafkaConnection(node_bootstrap, state.security_protocol, state.admin_username,
                                              state.admin_password), {node_id: pid})
    except BaseException:
        _kill(settings, {node_id: pid})
        raise
    _write_state(settings, state.with_pid(node_id, pid))


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
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for node in spec.nodes}
    failures = []
    for node_id, run in runs.items():
        try:
            output, _ = run.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            run.kill()
            output, _ = run.communicate()
        if run.returncode:
            failures.append(f"  node {node_id}:\n" + _last_lines(output.decode(errors="replace"), 30))
    if failures:
        raise KafkaStartError("formatting the Kafka storage failed:\n" + "\n".join(failures))


def _launch(settings: Settings, java: Path, libs: Path, node_id: int) -> int:
    """Start one node in its own session, so a Ctrl-C meant for the CLI does not reach the broker."""
    node_dir = _node_dir(settings, node_id)
    with open(node_dir / "logs" / "console.log", "ab") as console:
        child = subprocess.Popen(node_command(java, libs, node_dir / "server.properties"), cwd=node_dir,
                                 stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                                 start_new_session=True)
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


def _terminate(pids: Mapping[int, int], progress: Progress) -> None:
    for pid in pids.values():
        _signal(pid, signal.SIGTERM)
    _wait_exit(pids, STOP_TIMEOUT_S)
    for node_id, pid in pids.items():
        if _alive(pid):
            progress(f"node {node_id} (pid {pid}) did not stop within {STOP_TIMEOUT_S:.0f} s; killing it")
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
            parts.append(f"  last lines of {path}:\n" + _last_lines(text, count))
    return "\n".join(parts) or f"  (node {node_id} wrote nothing under {logs})"


def _read_end(path: Path, size: int = 64 * 1024) -> str:
    try:
        with open(path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - size))
            return log.read().decode(errors="replace")
    except OSError:
        return ""
