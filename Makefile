# camhub: the two commands a newcomer needs are `make run` and `make test`.
.PHONY: run test swift-test interop bench soak fuzz build-release setup-system setup-test clean

PORT ?= 8080
VENV := .venv
PYTHON := $(VENV)/bin/python

## Install what is missing, build a release binary and serve on http://127.0.0.1:$(PORT)
run: setup-system build-release
	.build/release/camhub serve --port $(PORT)

build-release:
	swift build -c release --product camhub

## Install everything the tests need, then run the Swift tests and the interop suite, with a
## throwaway PostgreSQL beside them (started and removed by scripts/with-postgres.sh)
test: setup-test
	scripts/with-postgres.sh $(MAKE) swift-test interop

swift-test:
	swift build --build-tests
	swift test --skip-build --disable-xctest

interop:
	CAMHUB_BIN=$(CURDIR)/.build/debug/camhub $(PYTHON) -m pytest -q interop

## The byte parsers fuzzed for a minute each (make test runs them for 2 s each); FUZZ_SECONDS to change it.
FUZZ_SECONDS ?= 60
fuzz: setup-test
	swift build --build-tests
	CAMHUB_FUZZ_SECONDS=$(FUZZ_SECONDS) swift test --skip-build --disable-xctest --filter Fuzz

## Benchmarks (release build): MJPEG fan-out, uploads, ingest, Socket.IO, records, capture, SQLite beside PostgreSQL, three hubs on one PostgreSQL, and motion analysis; see BENCHMARKS.md
bench: setup-test build-release
	$(PYTHON) bench/fanout.py --viewers 1,10,100,200 --seconds 10 --raw
	$(PYTHON) bench/uploads.py --seconds 10 --cameras 100
	$(PYTHON) bench/ingest.py --cameras 1,100 --seconds 10 --idle 1000
	$(PYTHON) bench/lpr_events.py --connections 1,20 --seconds 10
	$(PYTHON) bench/records.py --records 1000000
	$(PYTHON) bench/capture.py --cameras 8 --fps 30 --seconds 10
	scripts/with-postgres.sh $(PYTHON) bench/postgres.py --seconds 10 --records 1000000
	scripts/with-postgres.sh $(PYTHON) bench/cluster.py --seconds 10 --events 300 --viewers 100
	$(PYTHON) bench/motion.py --frames 5000 --runs 3
	$(PYTHON) bench/fanout.py --viewers 100 --seconds 10 --background-cameras 99
	$(PYTHON) bench/fanout.py --viewers 100 --seconds 10 --background-cameras 99 --motion
	$(PYTHON) bench/clips.py --cameras 16 --seconds 10
	$(PYTHON) bench/hostile_push.py --sockets 300
	$(PYTHON) bench/hostile_connections.py --slowloris 2000 --idle 19000 --oversized 200

## Ten minutes of mixed load on a release hub, RSS, descriptors and threads sampled every 30 s (not in CI); see BENCHMARKS.md
SOAK_MINUTES ?= 10
soak: setup-test build-release
	$(PYTHON) bench/soak.py --minutes $(SOAK_MINUTES)

setup-system:
	scripts/setup-system.sh runtime

setup-test:
	scripts/setup-system.sh test
	scripts/setup-venv.sh $(VENV)

clean:
	rm -rf .build data $(VENV)
