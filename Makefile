# Shortcuts; the scripts in deploy/ are the real thing (README.md).
.PHONY: run test build vet

run:
	bash deploy/run.sh

test:
	bash deploy/test.sh

build:
	go build -o bin/kntc ./cmd/kntc

vet:
	go vet ./...

# gofmt, go mod tidy, go vet, golangci-lint (.golangci.yml); deploy/test.sh runs it
# with --selftest before the tests.
.PHONY: lint
lint:
	bash deploy/lint.sh

# Benchmarks print their figures; KNTC_BENCH_PAGES sets the page count. They read the
# sample texts (KNTC_SAMPLES_DIR, default ../shared/samples); -v shows the one line a
# benchmark skips with when they are missing.
.PHONY: bench-ingest
bench-ingest:
	OMP_THREAD_LIMIT=1 go test -v -run '^$$' -bench BenchmarkIngest -benchtime 1x -timeout 60m ./cmd/kntc

.PHONY: bench-pdfa
bench-pdfa:
	OMP_THREAD_LIMIT=1 go test -v -run '^$$' -bench BenchmarkPDFA -benchtime 1x -timeout 30m ./cmd/kntc

# 100,000 synthetic pages from KNTC_SAMPLES_DIR (default ../shared/samples); prints pages/s, size, p50/p95/p99.
.PHONY: bench-search
bench-search:
	KNTC_BENCH_PAGES=100000 go test -v -run '^$$' -bench '^BenchmarkSearch$$' -benchtime 300x -timeout 2h ./search

# CER, WER and seconds per page of raw Tesseract and of kntc's recogniser (cleaning,
# orientation when needed, noise removal, tone correction; CER and tone errors also
# before tone correction) on the generated scan variants, and the
# header-extraction rate per field (about five minutes on two cores).
.PHONY: bench-ocr
bench-ocr:
	OMP_THREAD_LIMIT=1 go test -v -run '^$$' -bench BenchmarkOCRVariants -benchtime 1x -timeout 60m ./ocr/tesseract

# The tone corrector's tables (README, "OCR tone correction"). model: syllable and
# pair counts of the legal corpus (../shared/corpus), every 20th document held back.
# confusions: Tesseract's tone and vowel-mark confusions, measured on its readings
# of sample pages the OCR benchmark does not read (about an hour on two cores).
# bench-tone: the corrector's time per page and the model's memory.
CORPUS ?= ../shared/corpus/vbpl-legal.txt.xz
OCR_DUMP ?= /tmp/kntc-ocr-dump.jsonl
.PHONY: model confusions bench-tone
model:
	go run ./ocr/cmd/lmgen -corpus $(CORPUS) -out ocr/tonelm/model.bin.gz

confusions:
	KNTC_OCR_DUMP=$(OCR_DUMP) OMP_THREAD_LIMIT=1 go test -v -run '^$$' -bench BenchmarkOCRDump -benchtime 1x -timeout 180m ./ocr/tesseract
	go run ./ocr/cmd/confgen -dump $(OCR_DUMP) -out ocr/tonelm/confusion.tsv

bench-tone:
	go test -v -run '^$$' -bench BenchmarkCorrector -benchtime 2000x ./ocr/tonelm

# Hostile load (issue 19): peak RSS of four 12000×12000 PNGs at once under the
# decode budget(s) KNTC_BENCH_LOAD_BUDGETS (bytes, comma-separated) and without
# one; oversized uploads; slow bodies. Needs Tesseract and ~6 GB of free memory.
.PHONY: bench-load
bench-load:
	OMP_THREAD_LIMIT=1 go test -v -run '^$$' -bench BenchmarkLoad -benchtime 1x -timeout 90m ./cmd/kntc

# The table of the statistical forms (report/forms_gen.go) from ../shared/reports;
# committed, so only needed when the forms' summary changes.
.PHONY: forms
forms:
	go run ./report/cmd/genforms -json ../shared/reports/tt-06-2025-forms.json -out report/forms_gen.go

# Every statistical form for the whole province over a year: KNTC_BENCH_CASES
# cases (default 100,000), as many petitions, three times as many visits, on SQLite
# and PostgreSQL (KNTC_TEST_POSTGRES_URL); prints seconds against a plain scan.
.PHONY: bench-reports
bench-reports:
	go test -v -run '^$$' -bench BenchmarkReports -benchtime 3x -timeout 60m ./report

# Backup (issue 15): KNTC_BENCH_PAGES synthetic pages (default 2000; 60 KiB original
# + 60 KiB archive + 2 KiB text a page) backed up into an encrypted repository on
# local disk: full time and size, incremental time after 1 % new pages, verify time,
# against a plain store-to-store copy measured in the same run.
.PHONY: bench-backup
bench-backup:
	go test -v -run '^$$' -bench '^BenchmarkBackup$$' -benchtime 1x -timeout 2h ./backup

# The staff pages (issue 12): KNTC_BENCH_DOCS documents (default 100,000) and
# KNTC_BENCH_CASES cases (default 20,000) on SQLite, and on PostgreSQL too when
# KNTC_TEST_POSTGRES_URL is set; prints server time p50/p95 per page and role, each
# page's weight, against GET /healthz and the login page timed in the same run.
# KNTC_BENCH_REQUESTS (default 200) requests a page.
.PHONY: bench-web
bench-web:
	go test -v -run '^$$' -bench '^BenchmarkWeb$$' -benchtime 1x -timeout 90m ./web

# The citizens' portal (issue 13): KNTC_BENCH_DOCS published documents (default
# 100,000) and KNTC_BENCH_CASES cases (default 20,000) on SQLite, and on PostgreSQL
# too when KNTC_TEST_POSTGRES_URL is set; kntc's handler over HTTP in-process,
# KNTC_BENCH_CONCURRENCY clients (default 4 × cores) for KNTC_BENCH_SECONDS
# (default 10) a scenario: case lookup, published list, public search; prints
# req/s and p50/p95/p99 against GET /healthz and the argon2id lookup of the same
# run, with the load average.
.PHONY: bench-portal
bench-portal:
	go test -v -run '^$$' -bench '^BenchmarkPortal$$' -benchtime 1x -timeout 90m ./web
