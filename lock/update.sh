#!/bin/sh
# Regenerate the locks from pyproject.toml, for every platform we ship:
# Linux (CI, development) and Windows (the build).  Versions already locked
# stay unless pyproject.toml asks otherwise (uv keeps them as preferences).
# Needs uv (pip install uv) and the package index; run from anywhere.
set -e
cd "$(dirname "$0")/.."
for target in "linux x86_64-manylinux_2_34" "windows x86_64-pc-windows-msvc"; do
  set -- $target
  uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
      --python-platform "$2" --no-header -o "lock/$1.txt"
  uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
      --python-platform "$2" --no-header --extra dev -o "lock/$1-dev.txt"
done
