# The README's two commands are "make serve" and "make test"; both work on a
# fresh clone (Go and, for the tests, PostgreSQL and Redis on localhost).
.PHONY: serve test build bench

serve:
	go run ./cmd/tender serve

build:
	go build -o bin/tender ./cmd/tender

# Every package against both stores. PostgreSQL: TENDER_TEST_DATABASE_URL
# (default postgres://postgres@127.0.0.1:5432/test); Redis: REDIS_URL
# (default redis://127.0.0.1:6379/0). With CI=true a missing database fails.
# httpapi alone took 805 s under -race on two cores (2026-12-06): the bound
# is 30 minutes, inside CI's 90.
# SQLite's C translated to Go (modernc.org/sqlite/lib) runs without the
# race detector's instrumentation, as SQLite's C would under cgo: a test's
# database took 4.5 s to open and migrate instrumented, 1.3 s without
# (BenchmarkFreshStore). Every other package is instrumented, modernc's
# libc included: leaving libc out as well made the detector report races
# in unrelated packages' sync.Map use (libopenapi), false ones.
RACE_FLAGS = -race -gcflags='modernc.org/sqlite/lib=-race=false'

test: dashboard/testdata/axe/node_modules
	go test $(RACE_FLAGS) -count=1 -timeout 30m ./...

# axe-core for the dashboard's accessibility test, pinned by its lock file
# (npm from Debian; without npm the test says how to install it).
dashboard/testdata/axe/node_modules: dashboard/testdata/axe/package-lock.json
	@if command -v npm >/dev/null; then cd dashboard/testdata/axe && npm ci --ignore-scripts --no-audit --no-fund --silent; fi

bench:
	go test -run '^$$' -bench . -benchtime 5s ./bench/...
