#!/usr/bin/env bash
# Creates the Python venv with the real clients the interop suite drives.
set -euo pipefail
venv="${1:-.venv}"
requirements="$(dirname "$0")/../interop/requirements.txt"
stamp="$venv/.requirements"
if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then exit 0; fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
cp "$requirements" "$stamp"
