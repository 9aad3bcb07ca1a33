#!/bin/sh
# Run the whole test suite headless (sets up what it needs on first run).
set -e
cd "$(dirname "$0")"
sh setup.sh --dev
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
