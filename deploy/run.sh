#!/usr/bin/env bash
# Installs what is missing, builds kntc and runs it on the embedded default
# (SQLite + local disk in ./data). README.md: "Run".
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib.sh
ensure_go
apt_install "${KNTC_RUNTIME_PACKAGES[@]}"
mkdir -p bin
# The version kntc prints (kntc --version): the commit it was built from.
ver=$(git describe --always --dirty 2>/dev/null || echo dev)
go build -ldflags "-X main.version=$ver" -o bin/kntc ./cmd/kntc
export KNTC_LOG_FORMAT="${KNTC_LOG_FORMAT:-text}"
exec ./bin/kntc serve --data-dir "${KNTC_DATA_DIR:-./data}" "$@"
