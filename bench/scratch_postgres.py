"""A throwaway PostgreSQL server for integration tests and benchmarks (plain functions; conftests wrap
them in fixtures, `sanpalang bench signin` runs the console on one).

    root = Path(tempfile.mkdtemp(prefix="sanpalang-pg-"))
    url = start_postgres(root)         # initdb + pg_ctl start on a free port, data and socket under root
    ...
    stop_postgres(root)                # immediate stop; the caller removes root

Uses the Debian package ``postgresql`` (the newest /usr/lib/postgresql/<version>/bin) and the
``psycopg`` driver; when either is missing `PostgresUnavailable` says which, and the fixture decides
whether that skips (a developer's machine) or fails (CI). PostgreSQL refuses to run as root, so as
root its tools run as the postgres user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from ops.ports import free_port

__all__ = ["PostgresUnavailable", "PostgresStartError", "postgres_bin", "start_postgres", "stop_postgres",
           "create_database"]


class PostgresUnavailable(RuntimeError):
    """PostgreSQL or its driver is not installed; the message names the package."""


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output and the end of the server log."""


def postgres_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb (Debian package postgresql)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    return Path(max(found, key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)).parent


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root (CI runs as root): run its tools as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _require() -> Path:
    bindir = postgres_bin()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL is not installed (Debian package: postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable("the psycopg driver is not installed (PyPI: psycopg[binary])") from None
    return bindir


def start_postgres(root: Path) -> str:
    """Start a cluster under ``root`` (an empty directory) on a free port; returns its SQLAlchemy URL."""
    bindir = _require()
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    made = subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                        "-E", "UTF8", "--no-sync", "--locale=C"]), capture_output=True, text=True)
    if made.returncode != 0:
        raise PostgresStartError(f"initdb failed: {made.stderr or made.stdout}")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    started = subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                                           "-o", options, "start"]), capture_output=True, text=True)
    if started.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        raise PostgresStartError(f"PostgreSQL did not start: {started.stderr}\n{log[-2000:]}")
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def stop_postgres(root: Path) -> None:
    """Stop the cluster started under ``root`` (immediate: test data needs no clean shutdown)."""
    bindir = postgres_bin()
    if bindir is not None and (root / "data").exists():
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)


def create_database(server_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server; returns its URL (the server's URL, other database)."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)
