#!/usr/bin/env bash
# Installs the Debian packages camhub needs, only when some are missing.
#   runtime: what building and running camhub needs
#   test:    that plus the apps the interop suite and the benchmark drive
set -euo pipefail

runtime=(libturbojpeg0-dev libsqlite3-dev pkg-config linux-libc-dev)
test=(ffmpeg python3-venv gcc wrk curl chromium chromium-driver nginx postgresql)

case "${1:-runtime}" in
  runtime) wanted=("${runtime[@]}") ;;
  test) wanted=("${runtime[@]}" "${test[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 64 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
