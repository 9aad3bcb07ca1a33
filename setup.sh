#!/bin/sh
# Prepare a fresh Linux machine for TongKet: a virtual environment with the
# pinned packages and, when run as root on Debian/Ubuntu, the system libraries
# Qt needs.  Safe to run again: it only installs what is missing.
#   sh setup.sh          runtime packages
#   sh setup.sh --dev    plus what the tests need
set -e
cd "$(dirname "$0")"

need_apt=""
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  for pkg in libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
             libglib2.0-0 fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
             libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 \
             libxcb-xkb1; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt="$need_apt $pkg"
  done
  if [ -n "$need_apt" ]; then
    echo "Cài thư viện hệ thống cho Qt:$need_apt"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need_apt >/dev/null
  fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# exact versions with their hashes (lock/update.sh makes them from pyproject.toml)
lock=lock/linux.txt
[ "${1:-}" = "--dev" ] && lock=lock/linux-dev.txt
stamp=.venv/.installed-$(basename "$lock")
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r "$lock"
  touch "$stamp"
fi
