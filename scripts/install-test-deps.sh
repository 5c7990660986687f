#!/usr/bin/env bash
# Makes sure the real programs the tests and benchmarks run are present.
# As root it installs what is missing with apt-get; otherwise it names what to install and fails.
set -euo pipefail

# binary:package pairs, one per program the test suite starts
required=(
  prometheus:prometheus
  promtool:prometheus
  prometheus-alertmanager:prometheus-alertmanager
  amtool:prometheus-alertmanager
  prometheus-node-exporter:prometheus-node-exporter
  prometheus-blackbox-exporter:prometheus-blackbox-exporter
  chromium:chromium
  ping:iputils-ping
  unshare:util-linux
  ip:iproute2
  openssl:openssl
  python3:python3-minimal
  wrk:wrk
  docker-compose:docker-compose
  victoria-metrics:victoria-metrics
  mkfs.btrfs:btrfs-progs
  dbus-daemon:dbus-daemon
)

missing=()
for pair in "${required[@]}"; do
  binary=${pair%%:*}
  package=${pair#*:}
  if ! command -v "$binary" >/dev/null 2>&1; then
    [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
  fi
done

# Python modules the tests' helper scripts import, under Debian's own python3
/usr/bin/python3 -c 'import dbus, gi' >/dev/null 2>&1 || missing+=(python3-dbus python3-gi)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages for the tests: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages for the tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
