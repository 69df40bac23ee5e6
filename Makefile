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
