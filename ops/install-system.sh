#!/usr/bin/env bash
# System packages the hub needs (Debian names). As root, missing ones are installed with apt-get;
# otherwise the script names them and stops, so a fresh machine never fails halfway with a riddle.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v mvn  >/dev/null 2>&1 || need+=(maven)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm  >/dev/null 2>&1 || need+=(npm)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)   # tests: ops/systemd units verified
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done

[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
else
  echo "missing Debian packages: ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
