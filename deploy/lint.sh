#!/usr/bin/env bash
# The lint gate, run by deploy/test.sh before the tests (README.md: "Test"):
# gofmt, go mod tidy, go vet and golangci-lint with .golangci.yml, whose depguard
# rules write the design down (what may import what). Installs golangci-lint
# into the cache directory once. With --selftest it also plants a violation of
# each depguard rule and fails unless the gate catches every one.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib.sh
ensure_go

LINT_VERSION=v2.15.0
CACHE_DIR="${KNTC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kntc}"
LINT_BIN="$CACHE_DIR/golangci-lint-$LINT_VERSION/bin/golangci-lint"
if [ ! -x "$LINT_BIN" ]; then
	echo "kntc-lint: building golangci-lint $LINT_VERSION into $CACHE_DIR (once; a few minutes)" >&2
	mkdir -p "$(dirname "$LINT_BIN")"
	tmp=$(mktemp -d)
	(cd "$tmp" && GOFLAGS=-mod=mod GOBIN="$(dirname "$LINT_BIN")" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$LINT_VERSION")
	rm -rf "$tmp"
fi

fail=0
unformatted=$(gofmt -l -s $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
	echo "kntc-lint: not gofmt -s formatted:" >&2; echo "$unformatted" >&2; fail=1
fi
if ! go mod tidy -diff >/dev/null 2>&1; then
	echo "kntc-lint: go.mod/go.sum are not tidy (run go mod tidy):" >&2; go mod tidy -diff >&2 || true; fail=1
fi
go vet ./... || fail=1
"$LINT_BIN" run --timeout 15m ./... || fail=1
[ "$fail" = 0 ] || { echo "kntc-lint: failed" >&2; exit 1; }
echo "kntc-lint: clean" >&2

if [ "${1:-}" = "--selftest" ]; then
	# Each rule, broken on purpose in a file planted for the check and removed
	# afterwards: the gate must refuse it.
	planted=
	trap '[ -n "$planted" ] && rm -f "$planted"' EXIT
	check() { # rule dir import
		planted="$2/zz_lint_selftest.go"
		printf 'package %s\n\nimport _ "%s"\n' "$(go list -f '{{.Name}}' "./$2")" "$3" >"$planted"
		if out=$("$LINT_BIN" run --enable-only depguard "./$2/" 2>&1); then
			echo "kntc-lint selftest: $1 was not caught ($2 importing $3)" >&2; rm -f "$planted"; planted=; exit 1
		fi
		grep -q "$1" <<<"$out" || { echo "kntc-lint selftest: $1 not named:" >&2; echo "$out" >&2; rm -f "$planted"; planted=; exit 1; }
		rm -f "$planted"; planted=
		echo "kntc-lint selftest: $1 caught ($2 importing $3)" >&2
	}
	check ingest-stands-alone ingest kntc/internal/enum
	check errs-imports-nothing internal/errs kntc/internal/enum
	check storage-below-web-and-search storage/sqldb kntc/search
	check ocr-below-cases-and-storage ocr/tonelm kntc/cases
	check cgo-only-in-ocr-tesseract web github.com/otiai10/gosseract/v2
fi
