"""How a client reaches the cluster: bootstrap address and credentials, for every client library.

The address comes from the settings (``SANPALANG_KAFKA_BOOTSTRAP``, production) or from the state
file that ``sanpalang kafka up`` writes for the local broker. Every command goes through
``resolve_connection`` so that pointing the hub at another cluster is one variable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from runtime.settings import Settings

__all__ = ["KafkaConnection", "NoBrokerError", "resolve_connection", "state_file"]

SASL_MECHANISM = "SCRAM-SHA-512"


class NoBrokerError(RuntimeError):
    """No cluster is configured or running; the message says how to get one."""


@dataclass(frozen=True)
class KafkaConnection:
    """Bootstrap servers plus the principal to act as."""

    bootstrap: str
    security_protocol: str = "PLAINTEXT"
    username: str | None = None
    password: str | None = None

    def as_principal(self, username: str, password: str) -> "KafkaConnection":
        """The same cluster, as another SCRAM user (an agency connector, the worker...)."""
        protocol = self.security_protocol if self.security_protocol != "PLAINTEXT" else "SASL_PLAINTEXT"
        return replace(self, security_protocol=protocol, username=username, password=password)

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL")

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python clients (admin, producer, consumer)."""
        config: dict[str, Any] = {"bootstrap_servers": self.bootstrap.split(","),
                                  "security_protocol": self.security_protocol}
        if self.uses_sasl:
            config.update(sasl_mechanism=SASL_MECHANISM, sasl_plain_username=self.username,
                          sasl_plain_password=self.password)
        return config

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka clients."""
        config: dict[str, Any] = {"bootstrap_servers": self.bootstrap,
                                  "security_protocol": self.security_protocol}
        if self.uses_sasl:
            config.update(sasl_mechanism=SASL_MECHANISM, sasl_plain_username=self.username,
                          sasl_plain_password=self.password)
        return config

    def java_properties(self) -> str:
        """A client .properties file for Kafka's own Java tools (console consumer, AclCommand)."""
        lines = [f"bootstrap.servers={self.bootstrap}", f"security.protocol={self.security_protocol}"]
        if self.uses_sasl:
            lines += [f"sasl.mechanism={SASL_MECHANISM}",
                      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                      f'username="{self.username}" password="{self.password}";']
        return "\n".join(lines) + "\n"


def state_file(settings: Settings) -> Path:
    """Where ``sanpalang kafka up`` records the running local cluster (bootstrap, nodes, admin)."""
    return settings.kafka_dir / "cluster.json"


def resolve_connection(settings: Settings) -> KafkaConnection:
    """The cluster every command should talk to, as its administrator."""
    if settings.external_bootstrap:
        return KafkaConnection(settings.external_bootstrap, settings.security_protocol,
                               settings.username, settings.password)
    path = state_file(settings)
    if not path.exists():
        raise NoBrokerError(
            f"no Kafka cluster: none is running under {settings.kafka_dir} and SANPALANG_KAFKA_BOOTSTRAP "
            "is unset. Start one with `sanpalang kafka up`, or set SANPALANG_KAFKA_BOOTSTRAP "
            "(and SANPALANG_KAFKA_USERNAME / SANPALANG_KAFKA_PASSWORD) to use an existing cluster.")
    state = json.loads(path.read_text())
    admin = state.get("admin") or {}
    return KafkaConnection(state["bootstrap"], state.get("security_protocol", "PLAINTEXT"),
                           admin.get("username"), admin.get("password"))
