"""The one settings object of the hub.

Read once from ``SANPALANG_*`` environment variables by the CLI (``Settings.from_env``) and passed
down; nothing else in the project reads ``os.environ``. Frozen so that a component cannot change
what another one sees.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

__all__ = ["Settings", "SettingsError", "SETTINGS_DOC"]

KAFKA_VERSION = "4.1.2"


class SettingsError(ValueError):
    """A ``SANPALANG_*`` variable has a value the hub cannot use; the message names it."""


# name, default shown in the README, meaning. The README's settings table is checked against this.
SETTINGS_DOC: tuple[tuple[str, str, str], ...] = (
    ("SANPALANG_KAFKA_BOOTSTRAP", "(unset)",
     "Bootstrap servers of an existing cluster. When set, nothing local is started: this is how production runs."),
    ("SANPALANG_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT, or SASL_PLAINTEXT with a username",
     "Security protocol for an existing cluster: PLAINTEXT, SASL_PLAINTEXT or SASL_SSL."),
    ("SANPALANG_KAFKA_USERNAME", "(unset)", "SCRAM-SHA-512 user for an existing cluster."),
    ("SANPALANG_KAFKA_PASSWORD", "(unset)", "Its password."),
    ("SANPALANG_KAFKA_HOST", "127.0.0.1", "Address the local broker listens on."),
    ("SANPALANG_KAFKA_ACCESS_LOG", "0",
     "1: the local broker also logs every request it allows, with the principal that made it, to "
     "kafka/node-N/logs/access.log (who did what on a --sasl cluster); 0: denied requests only."),
    ("SANPALANG_KAFKA_PORT", "9092", "Client port of the local broker (node n of a cluster uses port + 10 * (n - 1))."),
    ("SANPALANG_HOME", "~/.local/share/sanpalang", "State: broker data and logs, checkpoints, generated credentials."),
    ("SANPALANG_CACHE", "~/.cache/sanpalang", "Downloaded Kafka jars, one folder per version."),
    ("SANPALANG_DATABASE_URL", "sqlite:///$SANPALANG_HOME/hub.db", "SQLAlchemy URL of the case views (PostgreSQL in production)."),
    ("SANPALANG_PSEUDONYM_KEY", "(generated into $SANPALANG_HOME)", "HMAC key for pseudonymised identifiers on shared topics."),
    ("SANPALANG_AUDIT_KEY", "(generated into $SANPALANG_HOME/audit.key)",
     "HMAC key of the console's audit chain (at least 32 characters); never stored in the database."),
    ("SANPALANG_ALERTMANAGER_URL", "(unset)",
     "Base URL of an Alertmanager (e.g. http://127.0.0.1:9093); when set, firing and resolved hub alerts are pushed "
     "to its v2 API."),
    ("SANPALANG_STOP_TIMEOUT", "10",
     "Seconds a long-running command (connector, worker, console, demo) may take to stop on a signal; work not "
     "committed by then is abandoned, to be redone after restart."),
)


def host_port(text: str) -> tuple[str, int]:
    """A command line's HOST:PORT (an empty host is the loopback)."""
    host, _, port = text.rpartition(":")
    if not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host or "127.0.0.1", int(port)


def _path(value: str) -> Path:
    return Path(os.path.expanduser(value)).resolve()


@dataclass(frozen=True)
class Settings:
    """Everything configurable about the hub, with defaults that run a local demo."""

    home: Path = field(default_factory=lambda: _path("~/.local/share/sanpalang"))
    cache: Path = field(default_factory=lambda: _path("~/.cache/sanpalang"))
    kafka_version: str = KAFKA_VERSION
    kafka_host: str = "127.0.0.1"
    kafka_port: int = 9092
    kafka_access_log: bool = False
    external_bootstrap: str | None = None
    security_protocol: str = "PLAINTEXT"
    username: str | None = None
    password: str | None = None
    database_url: str | None = None
    pseudonym_key: str | None = None
    audit_key: str | None = None
    alertmanager_url: str | None = None
    stop_timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from ``SANPALANG_*`` variables; unknown ones are an error, not ignored."""
        env = os.environ if env is None else env
        known = {name for name, _, _ in SETTINGS_DOC}
        unknown = sorted(k for k in env if k.startswith("SANPALANG_") and k not in known
                         and not k.startswith("SANPALANG_TEST_"))
        if unknown:
            raise SettingsError(
                f"unknown setting(s) {', '.join(unknown)}; the known ones are listed in README.md, "
                "section Settings")
        kwargs: dict[str, object] = {}
        if v := env.get("SANPALANG_HOME"):
            kwargs["home"] = _path(v)
        if v := env.get("SANPALANG_CACHE"):
            kwargs["cache"] = _path(v)
        if v := env.get("SANPALANG_KAFKA_HOST"):
            kwargs["kafka_host"] = v
        if v := env.get("SANPALANG_KAFKA_PORT"):
            if not v.isdigit() or not 0 < int(v) < 65536:
                raise SettingsError(f"SANPALANG_KAFKA_PORT={v!r} is not a TCP port (1-65535)")
            kwargs["kafka_port"] = int(v)
        if v := env.get("SANPALANG_KAFKA_ACCESS_LOG"):
            if v not in ("0", "1"):
                raise SettingsError(f"SANPALANG_KAFKA_ACCESS_LOG={v!r}; use 0 or 1")
            kwargs["kafka_access_log"] = v == "1"
        if v := env.get("SANPALANG_KAFKA_BOOTSTRAP"):
            kwargs["external_bootstrap"] = v
        kwargs["username"] = env.get("SANPALANG_KAFKA_USERNAME") or None
        kwargs["password"] = env.get("SANPALANG_KAFKA_PASSWORD") or None
        protocol = env.get("SANPALANG_KAFKA_SECURITY_PROTOCOL") or (
            "SASL_PLAINTEXT" if kwargs["username"] else "PLAINTEXT")
        if protocol not in ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"):
            raise SettingsError(
                f"SANPALANG_KAFKA_SECURITY_PROTOCOL={protocol!r}; use PLAINTEXT, SASL_PLAINTEXT or SASL_SSL")
        if protocol != "PLAINTEXT" and not (kwargs["username"] and kwargs["password"]):
            raise SettingsError(
                f"security protocol {protocol} needs SANPALANG_KAFKA_USERNAME and SANPALANG_KAFKA_PASSWORD")
        kwargs["security_protocol"] = protocol
        kwargs["database_url"] = env.get("SANPALANG_DATABASE_URL") or None
        kwargs["pseudonym_key"] = env.get("SANPALANG_PSEUDONYM_KEY") or None
        if v := env.get("SANPALANG_AUDIT_KEY"):
            if len(v.encode("utf-8")) < 32:
                raise SettingsError("SANPALANG_AUDIT_KEY is shorter than 32 characters")
            kwargs["audit_key"] = v
        if v := env.get("SANPALANG_ALERTMANAGER_URL"):
            if not v.startswith(("http://", "https://")):
                raise SettingsError(f"SANPALANG_ALERTMANAGER_URL={v!r} is not an http:// or https:// URL")
            kwargs["alertmanager_url"] = v.rstrip("/")
        if v := env.get("SANPALANG_STOP_TIMEOUT"):
            try:
                kwargs["stop_timeout_s"] = float(v)
            except ValueError:
                kwargs["stop_timeout_s"] = -1.0
            if not 0 < kwargs["stop_timeout_s"] <= 600:  # type: ignore[operator]
                raise SettingsError(f"SANPALANG_STOP_TIMEOUT={v!r} is not a number of seconds (0-600)")
        return cls(**kwargs)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed (tests and ``--port`` style flags use it)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_external(self) -> bool:
        """True when the hub talks to a cluster it did not start (production)."""
        return self.external_bootstrap is not None

    @property
    def kafka_dir(self) -> Path:
        """Where local broker data, configs, logs and pid files live."""
        return self.home / "kafka"

    @property
    def kafka_libs(self) -> Path:
        """Where the broker's jars are cached, per Kafka version."""
        return self.cache / "kafka" / self.kafka_version / "libs"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'hub.db'}"
