"""The configuration of a local Apache Kafka 4.1 KRaft cluster, decided without a JVM.

Pure values and functions: where each node listens (``plan_cluster``), what its ``server.properties``
say (``server_properties``, ``render_properties``), the command lines that format and start a node,
the record that ``cluster.json`` holds (``ClusterState``) and the text of ``sanpalang kafka status``.
No process is started and no file is written here; ``ops.kafka.local`` is the shell that does both.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from runtime.connection import KafkaConnection

__all__ = [
    "ADMIN_USER", "ClusterSpec", "ClusterState", "ClusterStatus", "KafkaSetupError", "KafkaStartError",
    "NodeSpec", "NodeStatus", "PortInUseError", "SCRAM", "format_command", "jars_version", "last_lines",
    "new_cluster_id", "node_command", "plan_cluster", "render_properties", "server_properties",
]

ADMIN_USER = "admin"
SCRAM = "SCRAM-SHA-512"
JVM_OPTIONS = ("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true")
LOG4J_CONFIG = Path(__file__).with_name("log4j2.xml")


class KafkaSetupError(RuntimeError):
    """The machine or the local state cannot run a broker yet; the message says what to do."""


class PortInUseError(KafkaSetupError):
    """Another program listens on a port the local cluster needs; found before anything starts."""


class KafkaStartError(RuntimeError):
    """A broker exited or did not answer in time; the message carries the last lines of its log."""


# --- The shape of a cluster and the configuration of its nodes ------------------------------

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


def node_command(java: Path, libs: Path, props: Path, *, access_log: bool = False) -> list[str]:
    """``access_log``: every allowed request is logged with its principal (``access.log``), not only
    the denied ones (``SANPALANG_KAFKA_ACCESS_LOG``)."""
    level = ["-Dsanpalang.authorizer.level=DEBUG"] if access_log else []
    return [str(java), *JVM_OPTIONS, *_log_options(props.parent), *level, "-cp", f"{libs}/*", "kafka.Kafka",
            str(props)]


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


def last_lines(text: str, count: int) -> str:
    """The end of a tool's output or a log, indented under the message that quotes it."""
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-count:])


# --- What is running: the record in cluster.json and the status text -------------------------

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
