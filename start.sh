#!/bin/sh
# Start TongKet (sets up what it needs on first run).
set -e
cd "$(dirname "$0")"
sh setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  # no screen (a server, a container): run on a virtual one
  if ! command -v xvfb-run >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth >/dev/null
  fi
  if command -v xvfb-run >/dev/null 2>&1; then
    exec xvfb-run -a .venv/bin/python main.py "$@"
  fi
  echo "Không có màn hình (DISPLAY). Hãy chạy trong phiên đồ họa, hoặc cài xvfb rồi chạy lại." >&2
  exit 1
fi
exec .venv/bin/python main.py "$@"
