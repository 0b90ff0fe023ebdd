"""What the local broker is told (ports, quorum, replication, security), rendered without a JVM, and its jar cache."""

from __future__ import annotations

import ast
import json
import string
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from ops.kafka import config, jars, local
from runtime.connection import resolve_connection, state_file
from runtime.settings import Settings

JAVA, LIBS = Path("/usr/bin/java"), Path("/cache/kafka/4.1.2/libs")
KAFKA_JAR = "kafka_2.13-{}.jar"
Maven = Callable[[list[str], Any], None]


def _parse(text: str) -> dict[str, str]:
    """Enough of java.util.Properties to read back what render_properties writes."""
    return dict(line.split("=", 1) for line in text.splitlines())


def _props(nodes: int = 1, node_id: int = 1, sasl: bool = False, port: int = 9092) -> dict[str, str]:
    spec = config.plan_cluster("127.0.0.1", port, nodes, sasl, "s3cret" if sasl else None)
    return config.server_properties(spec, node_id, Path(f"/home/kafka/node-{node_id}/data"))


def _jars_in(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).touch()


def _fake_maven(*names: str) -> Maven:
    """Stands in for `mvn dependency:copy-dependencies`: writes the named jars into -DoutputDirectory."""
    def run(goal: list[str], progress: Any) -> None:
        options = dict(arg.split("=", 1) for arg in goal if arg.startswith("-D"))
        _jars_in(Path(options["-DoutputDirectory"]), *(n.format(options["-Dkafka.version"]) for n in names))
    return run


def _refuse_maven(goal: list[str], progress: Any) -> None:
    raise AssertionError(f"Maven ran: {goal}")


def _offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, maven: Maven) -> Settings:
    monkeypatch.setattr(jars, "_install_tools", lambda settings, progress: None)
    monkeypatch.setattr(jars, "_run_maven", maven)
    return Settings(home=tmp_path, cache=tmp_path / "cache")


class TestPlanCluster:
    def test_a_single_node_takes_the_port_and_the_next_for_its_controller(self) -> None:
        spec = config.plan_cluster("127.0.0.1", 9092)
        assert spec.nodes == (config.NodeSpec(1, 9092, 9093),)
        assert (spec.bootstrap, spec.voters) == ("127.0.0.1:9092", "1@127.0.0.1:9093")

    def test_node_n_of_three_is_ten_ports_further(self) -> None:
        spec = config.plan_cluster("127.0.0.1", 29292, nodes=3)
        assert [tuple(n) for n in spec.nodes] == [(1, 29292, 29293), (2, 29302, 29303), (3, 29312, 29313)]
        assert spec.bootstrap == "127.0.0.1:29292,127.0.0.1:29302,127.0.0.1:29312"
        assert spec.voters == "1@127.0.0.1:29293,2@127.0.0.1:29303,3@127.0.0.1:29313"

    def test_refuses_no_nodes_and_ports_past_65535(self) -> None:
        with pytest.raises(config.KafkaSetupError, match="1 to 9 nodes"):
            config.plan_cluster("127.0.0.1", 9092, nodes=0)
        with pytest.raises(config.KafkaSetupError, match="below 65536"):
            config.plan_cluster("127.0.0.1", 65530, nodes=3)

    def test_sasl_needs_an_admin_password(self) -> None:
        with pytest.raises(config.KafkaSetupError, match="admin password"):
            config.plan_cluster("127.0.0.1", 9092, sasl=True)


class TestServerProperties:
    def test_a_single_node_is_broker_and_controller_with_internal_topics_on_one_replica(self) -> None:
        props = _props()
        assert props["process.roles"] == "broker,controller"
        assert props["listeners"] == "CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
        assert props["advertised.listeners"] == "CLIENT://127.0.0.1:9092"
        for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                    "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                    "share.coordinator.state.topic.min.isr"):
            assert props[key] == "1", key

    def test_three_nodes_share_the_voters_and_replicate_internal_topics_three_times(self) -> None:
        nodes = [_props(nodes=3, node_id=n, port=29292) for n in (1, 2, 3)]
        assert {p["controller.quorum.voters"] for p in nodes} == {"1@127.0.0.1:29293,2@127.0.0.1:29303,3@127.0.0.1:29313"}
        assert [p["node.id"] for p in nodes] == ["1", "2", "3"]
        assert nodes[1]["listeners"] == "CLIENT://127.0.0.1:29302,CONTROLLER://127.0.0.1:29303"
        assert nodes[1]["log.dirs"] == "/home/kafka/node-2/data"
        assert (nodes[0]["offsets.topic.replication.factor"], nodes[0]["transaction.state.log.min.isr"],
                nodes[0]["share.coordinator.state.topic.min.isr"]) == ("3", "2", "2")

    def test_topics_are_never_created_by_accident_and_groups_start_at_once(self) -> None:
        props = _props()
        assert (props["auto.create.topics.enable"], props["group.initial.rebalance.delay.ms"]) == ("false", "0")

    def test_stays_light_for_a_two_core_machine(self) -> None:
        props = _props()
        assert (props["num.network.threads"], props["num.io.threads"]) == ("2", "2")
        assert int(props["log.segment.bytes"]) <= 64 * 1024 * 1024

    def test_plaintext_has_no_authentication_or_authorizer(self) -> None:
        props = _props()
        assert props["listener.security.protocol.map"] == "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT"
        assert not [key for key in props if "sasl" in key or "authorizer" in key or key == "super.users"]

    def test_sasl_uses_scram_for_clients_and_plain_on_the_controller_listener(self) -> None:
        props = _props(sasl=True)
        assert props["listener.security.protocol.map"] == "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
        assert props["listener.name.client.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
        assert props["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
        assert 'username="admin" password="s3cret"' in props["listener.name.client.scram-sha-512.sasl.jaas.config"]
        assert props["sasl.mechanism.controller.protocol"] == "PLAIN"
        assert props["listener.name.controller.sasl.enabled.mechanisms"] == "PLAIN"
        assert 'user_admin="s3cret"' in props["listener.name.controller.plain.sasl.jaas.config"]

    def test_sasl_denies_by_default_except_to_the_admin(self) -> None:
        props = _props(sasl=True)
        assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
        assert (props["allow.everyone.if.no.acl.found"], props["super.users"]) == ("false", "User:admin")


class TestRenderProperties:
    def test_round_trips_every_key(self) -> None:
        props = _props(nodes=3, sasl=True)
        assert _parse(config.render_properties(props)) == props

    def test_a_line_break_in_a_value_cannot_add_a_key(self) -> None:
        text = config.render_properties({"a": "x\nsuper.users=User:mallory"})
        assert text.splitlines() == ["a=x\\nsuper.users=User:mallory"]


class TestCommands:
    def test_format_omits_standalone_because_the_voters_are_static(self) -> None:
        spec = config.plan_cluster("127.0.0.1", 9092)
        command = config.format_command(JAVA, LIBS, spec, "cid", Path("/k/node-1/server.properties"))
        assert command[0] == "/usr/bin/java" and command[command.index("-cp") + 1] == "/cache/kafka/4.1.2/libs/*"
        assert command[-6:] == ["kafka.tools.StorageTool", "format", "-t", "cid", "-c", "/k/node-1/server.properties"]
        assert "--standalone" not in command and "--add-scram" not in command

    def test_format_of_a_sasl_node_creates_the_admin_scram_user(self) -> None:
        spec = config.plan_cluster("127.0.0.1", 9092, sasl=True, admin_password="s3cret")
        command = config.format_command(JAVA, LIBS, spec, "cid", Path("/k/node-1/server.properties"))
        assert command[-2:] == ["--add-scram", "SCRAM-SHA-512=[name=admin,password=s3cret]"]

    def test_a_node_runs_kafka_with_a_bounded_heap_and_file_logging(self) -> None:
        command = config.node_command(JAVA, LIBS, Path("/k/node-1/server.properties"))
        assert command[-2:] == ["kafka.Kafka", "/k/node-1/server.properties"]
        assert {"-Xmx512m", "-XX:+UseG1GC", "-Dkafka.logs.dir=/k/node-1/logs"} <= set(command)
        log4j = next(arg for arg in command if arg.startswith("-Dlog4j2.configurationFile="))
        assert Path(log4j.split("=", 1)[1]).is_file()

    def test_a_node_logs_allowed_requests_with_their_principal_only_when_asked(self) -> None:
        quiet = config.node_command(JAVA, LIBS, Path("/k/node-1/server.properties"))
        asked = config.node_command(JAVA, LIBS, Path("/k/node-1/server.properties"), access_log=True)
        assert "-Dsanpalang.authorizer.level=DEBUG" in asked and not any("authorizer" in arg for arg in quiet)
        assert "${sys:sanpalang.authorizer.level:-INFO}" in config.LOG4J_CONFIG.read_text()

    def test_cluster_ids_are_kafka_shaped_and_never_look_like_an_option(self) -> None:
        ids = [config.new_cluster_id() for _ in range(300)]
        alphabet = set(string.ascii_letters + string.digits + "-_")
        assert all(len(cid) == 22 and set(cid) <= alphabet and not cid.startswith("-") for cid in ids)


class TestJars:
    def test_the_version_is_read_from_the_kafka_jar(self, tmp_path: Path) -> None:
        (tmp_path / "kafka_2.13-4.1.2.jar").touch()
        (tmp_path / "kafka-clients-4.1.2.jar").touch()
        assert config.jars_version(tmp_path) == "4.1.2"
        assert config.jars_version(tmp_path / "missing") is None

    def test_only_the_slf4j_1_log4j_binding_counts_as_a_binding(self, tmp_path: Path) -> None:
        for jar in ("slf4j-api-1.7.36.jar", "log4j-core-2.25.3.jar", "log4j-slf4j2-impl-2.25.3.jar"):
            (tmp_path / jar).touch()
        assert not jars.has_slf4j_binding(tmp_path)
        (tmp_path / "log4j-slf4j-impl-2.25.3.jar").touch()
        assert jars.has_slf4j_binding(tmp_path)
        assert not jars.has_slf4j_binding(tmp_path / "missing")

    def test_a_complete_cache_is_used_without_maven(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        settings = _offline(tmp_path, monkeypatch, maven=_refuse_maven)
        _jars_in(settings.kafka_libs, KAFKA_JAR.format(settings.kafka_version), "log4j-slf4j-impl-2.25.3.jar")
        assert jars.ensure_jars(settings) == settings.kafka_libs

    def test_a_cache_without_the_binding_is_resolved_again_into_a_fresh_folder(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        fresh = (KAFKA_JAR, "slf4j-api-1.7.36.jar", "log4j-slf4j-impl-2.25.3.jar")
        settings = _offline(tmp_path, monkeypatch, maven=_fake_maven(*fresh))
        libs = settings.kafka_libs
        _jars_in(libs, KAFKA_JAR.format(settings.kafka_version), "slf4j-api-1.7.36.jar", "log4j-slf4j2-impl-2.25.3.jar")
        messages: list[str] = []
        assert jars.ensure_jars(settings, messages.append) == libs
        assert sorted(jar.name for jar in libs.iterdir()) == sorted(j.format(settings.kafka_version) for j in fresh)
        assert [entry.name for entry in libs.parent.iterdir()] == ["libs"]
        assert any("lack the SLF4J 1 binding log4j-slf4j-impl" in message for message in messages)

    def test_maven_resolving_no_binding_fails_clearly_and_caches_nothing(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        settings = _offline(tmp_path, monkeypatch, maven=_fake_maven(KAFKA_JAR, "log4j-slf4j2-impl-2.25.3.jar"))
        with pytest.raises(config.KafkaSetupError, match="no SLF4J 1 binding"):
            jars.ensure_jars(settings)
        assert not settings.kafka_libs.parent.exists() or not list(settings.kafka_libs.parent.iterdir())


class TestStateFile:
    def _state(self, sasl: bool) -> config.ClusterState:
        return config.ClusterState(
            bootstrap="127.0.0.1:9092", security_protocol="SASL_PLAINTEXT" if sasl else "PLAINTEXT",
            host="127.0.0.1", nodes=1, sasl=sasl, kafka_version="4.1.2", cluster_id="cid",
            ports={1: (9092, 9093)}, pids={1: 4242}, started_at=datetime(2026, 1, 2, tzinfo=timezone.utc),
            admin_username="admin" if sasl else None, admin_password="s3cret" if sasl else None)

    def test_round_trips_through_json(self) -> None:
        state = self._state(sasl=True)
        assert config.ClusterState.from_json(json.loads(json.dumps(state.to_json()))) == state

    def test_keeps_the_contract_that_resolve_connection_reads(self, tmp_path: Path) -> None:
        settings = Settings(home=tmp_path)
        state_file(settings).parent.mkdir(parents=True)
        state_file(settings).write_text(json.dumps(self._state(sasl=True).to_json()))
        connection = resolve_connection(settings)
        assert (connection.bootstrap, connection.security_protocol, connection.username, connection.password) == (
            "127.0.0.1:9092", "SASL_PLAINTEXT", "admin", "s3cret")

    def test_a_plaintext_state_carries_no_admin(self) -> None:
        assert "admin" not in self._state(sasl=False).to_json()


class TestStatusText:
    def test_names_the_kafka_version_and_each_node(self) -> None:
        nodes = [config.NodeStatus(1, 10, True, 9092), config.NodeStatus(2, None, False, 9102)]
        status = config.ClusterStatus(True, nodes, "127.0.0.1:9092,127.0.0.1:9102", False, "4.1.2")
        assert status.describe().splitlines() == [
            "Kafka 4.1.2: 1 of 2 node(s) running at 127.0.0.1:9092,127.0.0.1:9102 (PLAINTEXT)",
            "  node 1  port 9092  pid 10  running",
            "  node 2  port 9102  pid -  stopped"]

    def test_says_how_to_start_when_nothing_runs(self) -> None:
        status = config.ClusterStatus(False, [], None, False, None)
        assert status.describe() == ("Kafka (jars not downloaded yet): no local cluster; "
                                     "start one with `sanpalang kafka up`")


class TestMissingTools:
    def test_names_the_debian_packages_of_java_and_maven(self, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        settings = Settings(home=tmp_path, cache=tmp_path / "cache")
        assert jars.missing_packages(settings) == ["openjdk-17-jre-headless", "maven"]

    def test_without_root_says_what_to_install_instead_of_installing(self, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        monkeypatch.setattr(jars.os, "geteuid", lambda: 1000)
        with pytest.raises(config.KafkaSetupError, match="apt-get install -y openjdk-17-jre-headless maven"):
            jars.ensure_jars(Settings(home=tmp_path, cache=tmp_path / "cache"))


class TestModules:
    PURE_FORBIDDEN = {"faust", "kafka", "aiokafka", "sqlalchemy", "aiohttp", "prometheus_client", "os", "time",
                      "shutil", "socket", "signal", "subprocess", "secrets"}

    def test_the_configuration_starts_no_process_and_reads_no_clock(self) -> None:
        tree = ast.parse(Path(config.__file__).read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not imported & self.PURE_FORBIDDEN
        assert not names & {"now", "today", "utcnow", "getenv", "environ", "open", "write_text", "mkdir"}

    def test_the_shell_still_offers_every_public_name(self) -> None:
        used_elsewhere = {"up", "down", "status", "ensure_jars", "missing_packages", "PortInUseError",
                          "KafkaStartError", "KafkaSetupError", "stop_node", "start_node", "ClusterState"}
        assert used_elsewhere <= set(local.__all__)
        assert all(hasattr(local, name) for name in local.__all__)
        for module in (config, jars):
            assert all(getattr(local, name) is getattr(module, name) for name in module.__all__
                       if name in local.__all__)

    def test_the_pure_and_jar_modules_stay_small(self) -> None:
        for module in (config, jars):
            assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) < 300
