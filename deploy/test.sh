#!/usr/bin/env bash
# Installs what is missing, starts the test services (PostgreSQL when it is not
# running, a MinIO server on a random port with a temporary data directory), runs
# every test with -race against them, and stops what it started. README.md: "Test".
# .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib.sh
ensure_go

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CACHE_DIR="${KNTC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kntc}"
WORK=$(mktemp -d)
STARTED_PG=
MINIO_PID=

cleanup() {
	if [ -n "$MINIO_PID" ]; then kill "$MINIO_PID" 2>/dev/null || true; wait "$MINIO_PID" 2>/dev/null || true; fi
	if [ -n "$STARTED_PG" ]; then echo "kntc-test: stopping PostgreSQL $STARTED_PG" >&2; as_root pg_ctlcluster --skip-systemctl-redirect $STARTED_PG stop || true; fi
	rm -rf "$WORK"
}
trap cleanup EXIT

apt_install "${KNTC_RUNTIME_PACKAGES[@]}" postgresql postgresql-client qpdf poppler-utils fonts-dejavu-core chromium

# --- Browser tests: Debian's Chromium (above) and axe-core from npm, into the cache ---
# (outside the repository, like MinIO). The staff pages' browser test injects it.
AXE_VERSION=4.14.1
AXE_DIR="$CACHE_DIR/axe-core-$AXE_VERSION"
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
	echo "kntc-test: installing axe-core $AXE_VERSION into $AXE_DIR (once)" >&2
	mkdir -p "$AXE_DIR"
	# npm from Debian only where no npm is on the PATH (a Node.js from elsewhere,
	# e.g. NodeSource's, carries its own and conflicts with Debian's package).
	command -v npm >/dev/null || apt_install npm
	npm install --no-audit --no-fund --silent --prefix "$AXE_DIR" "axe-core@$AXE_VERSION" >&2
fi
export KNTC_AXE_JS="$AXE_DIR/node_modules/axe-core/axe.min.js"
KNTC_CHROMIUM=$(command -v chromium)
export KNTC_CHROMIUM

# --- PostgreSQL -------------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
	cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
	if [ -z "$cluster" ]; then
		ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
		as_root pg_createcluster "$ver" main >&2
		cluster="$ver main"
	fi
	echo "kntc-test: starting PostgreSQL $cluster" >&2
	as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
	STARTED_PG="$cluster"
	for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
	pg_up || { echo "kntc-test: PostgreSQL did not start" >&2; exit 1; }
fi
PG_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
if ! psql "$PG_URL" -qAtc 'SELECT 1' >/dev/null 2>&1; then
	# No trust authentication on TCP (Debian's default): a password role for the tests.
	as_root runuser -u postgres -- psql -qAt -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kntc_test') THEN CREATE ROLE kntc_test LOGIN SUPERUSER PASSWORD 'kntc_test'; END IF; END\$\$;" >&2
	PG_URL="postgres://kntc_test:kntc_test@127.0.0.1:5432/postgres?sslmode=disable"
	psql "$PG_URL" -qAtc 'SELECT 1' >/dev/null
fi
export KNTC_TEST_POSTGRES_URL="$PG_URL"

# --- MinIO (a separate server process; never linked into kntc) -------------------------
MINIO_BIN="$CACHE_DIR/minio-$MINIO_VERSION/bin/minio"
if [ ! -x "$MINIO_BIN" ]; then
	echo "kntc-test: building MinIO $MINIO_VERSION into $CACHE_DIR (once; a few minutes)" >&2
	mkdir -p "$(dirname "$MINIO_BIN")"
	(cd "$WORK" && GOFLAGS=-mod=mod GOBIN="$(dirname "$MINIO_BIN")" go install "github.com/minio/minio@$MINIO_VERSION")
fi
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
minio_live() {
	local reply
	reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /minio/health/live HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n1 <&3) 2>/dev/null) || return 1
	[[ "$reply" == *" 200 "* ]]
}
export KNTC_TEST_S3_ACCESS_KEY="kntc-test"
export KNTC_TEST_S3_SECRET_KEY="kntc-test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
for attempt in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 30000)); cport=$((port + 1))
	port_free "$port" && port_free "$cport" || continue
	mkdir -p "$WORK/minio-data"
	MINIO_ROOT_USER="$KNTC_TEST_S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$KNTC_TEST_S3_SECRET_KEY" MINIO_BROWSER=off \
		"$MINIO_BIN" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" "$WORK/minio-data" \
		>"$WORK/minio.log" 2>&1 &
	MINIO_PID=$!
	for _ in $(seq 1 120); do
		minio_live "$port" && break
		kill -0 "$MINIO_PID" 2>/dev/null || break
		sleep 0.25
	done
	minio_live "$port" && break
	kill "$MINIO_PID" 2>/dev/null || true; wait "$MINIO_PID" 2>/dev/null || true; MINIO_PID=
done
if [ -z "$MINIO_PID" ]; then
	echo "kntc-test: MinIO did not start:" >&2; cat "$WORK/minio.log" >&2; exit 1
fi
export KNTC_TEST_S3_ENDPOINT="127.0.0.1:$port"
echo "kntc-test: PostgreSQL at 127.0.0.1:5432, MinIO at $KNTC_TEST_S3_ENDPOINT" >&2

# --- the tests ------------------------------------------------------------------------
# Every service above is running, so a test that cannot reach one fails, never skips.
export KNTC_TEST_STRICT=1
export KNTC_TEST_MINIO_BIN="$MINIO_BIN"
# The lint gate first (gofmt, go mod tidy, go vet, golangci-lint and its depguard
# rules, each rule shown to catch a planted violation).
bash deploy/lint.sh --selftest
go test -race -count=1 -timeout 25m -v "$@" ./...
