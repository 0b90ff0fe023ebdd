"""The jars of a local Kafka broker, resolved once per machine and version by Maven (``pom.xml``).

``ensure_jars`` first makes sure Java and Maven are there (installed with apt-get when running as
root, otherwise named in the error), then lets Maven copy the jars into a fresh staging folder that
is renamed into ``settings.kafka_libs``, so a half download is never used. Kafka 4.1 logs through
SLF4J 1.7 and needs its log4j binding: a cache without it (left by an older pom) is resolved again
into a fresh folder, never patched in place.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Callable

from ops.kafka.config import KafkaSetupError, jars_version, last_lines
from runtime.settings import Settings

__all__ = ["DEBIAN_PACKAGES", "Progress", "ensure_jars", "find_tool", "has_slf4j_binding", "missing_packages",
           "silent"]

Progress = Callable[[str], None]
DEBIAN_PACKAGES = {"java": "openjdk-17-jre-headless", "mvn": "maven"}
POM = Path(__file__).with_name("pom.xml")
SLF4J_BINDING = "log4j-slf4j-impl"


def silent(_: str) -> None:
    pass


def missing_packages(settings: Settings) -> list[str]:
    """Debian packages to install before a broker can run here (Maven only while jars are missing)."""
    needed = ["java"] if _usable(settings.kafka_libs, settings.kafka_version) else ["java", "mvn"]
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
                                  + last_lines(done.stdout + done.stderr, 20))


def ensure_jars(settings: Settings, progress: Progress = silent) -> Path:
    """Resolve the broker's jars once per machine and version; later calls return at once."""
    _install_tools(settings, progress)
    libs = settings.kafka_libs
    if jars_version(libs) == settings.kafka_version and not has_slf4j_binding(libs):
        progress(f"the jars in {libs} lack the SLF4J 1 binding {SLF4J_BINDING} (a cache from an older "
                 "pom), so the broker would log nothing; resolving them again")
    if not _usable(libs, settings.kafka_version):
        _resolve_jars(settings, progress)
    return libs


def has_slf4j_binding(libs: Path) -> bool:
    """Kafka 4.x pins slf4j-api 1.7 (SLF4J 2 waits for Kafka 5, KIP-1064), whose log4j2 binding is
    ``log4j-slf4j-impl``; with only ``log4j-slf4j2-impl`` the broker would log nothing at all."""
    return libs.is_dir() and any(libs.glob(f"{SLF4J_BINDING}-*.jar"))


def _usable(libs: Path, version: str) -> bool:
    return jars_version(libs) == version and has_slf4j_binding(libs)


def _resolve_jars(settings: Settings, progress: Progress) -> None:
    """Copy into a fresh staging directory and rename it into place, so a half download is never used."""
    libs = settings.kafka_libs
    libs.parent.mkdir(parents=True, exist_ok=True)
    staging = libs.parent / f".libs-{secrets.token_hex(4)}"
    progress(f"downloading Kafka {settings.kafka_version} jars from Maven Central into {libs} "
             "(minutes the first time)")
    try:
        _run_maven(["dependency:copy-dependencies", f"-DoutputDirectory={staging}",
                    f"-Dkafka.version={settings.kafka_version}"], progress)
        if not has_slf4j_binding(staging):
            raise KafkaSetupError(f"Maven resolved no SLF4J 1 binding ({SLF4J_BINDING}-*.jar) from {POM}, "
                                  "so the broker would log nothing; the pom must name "
                                  f"org.apache.logging.log4j:{SLF4J_BINDING}")
        _move_into_place(staging, libs, settings.kafka_version)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(f"Kafka {settings.kafka_version} jars ready")


def _move_into_place(staging: Path, libs: Path, version: str) -> None:
    """A concurrent resolver may have won the rename; a stale cache is moved aside whole and deleted."""
    try:
        staging.rename(libs)
    except OSError:
        if _usable(libs, version):
            return
        stale = libs.with_name(f".stale-{secrets.token_hex(4)}")
        libs.rename(stale)
        try:
            staging.rename(libs)
        except OSError:
            if not _usable(libs, version):
                raise
        finally:
            shutil.rmtree(stale, ignore_errors=True)


def _run_maven(goal: list[str], progress: Progress) -> None:
    """Stream Maven's downloads as progress lines: a fresh machine fetches ~90 jars."""
    command = [find_tool("mvn"), "-B", "-Dstyle.color=never", "-f", str(POM), *goal]
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
                              "~/.m2/settings.xml):\n" + last_lines("".join(output), 30))


def find_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise KafkaSetupError(f"`{name}` is not on PATH; install {DEBIAN_PACKAGES[name]}")
    return str(Path(path).resolve())
