#!/usr/bin/env bash
# Installs what the tests need, builds k2td, and runs every test:
#   1. unit tests (ctest), plain and under AddressSanitizer + UBSan
#   2. the fuzz targets: each replays its corpus, then fuzzes a fixed number of
#      executions from a fixed seed (scripts/fuzz.sh)
#   3. the TDengine stand-in's own tests (pytest)
#   4. integration tests: a real Kafka broker -> k2td -> the stand-in (pytest),
#      with the sanitizer build of k2td and then with the release build
#   5. service API tests: `k2td serve` over HTTP with the broker and the
#      stand-in (pytest), with the sanitizer build and then the release build
#   (the long scenarios, marked `heavy`: hundreds of thousands of messages
#   with repeated kills, a broker stopped
#   and started again, run with the release build only; longer versions of
#   scenarios, marked `soak`, are separate commands: docs/reliability.md)
#   6. browser tests: the web page in headless Chromium, with the release build
#   7. end-to-end tests against a real TDengine server (scripts/test-tdengine.sh)
#
#   scripts/test.sh
#
# K2TD_FUZZ_RUNS, K2TD_FUZZ_SEED and K2TD_FUZZ_SECONDS: see scripts/fuzz.sh.
set -euo pipefail
# Prints a stage's title with the minutes spent so far (the whole run is
# meant to stay under 60 minutes on a 2-core machine).
stage() { printf '== %s (at %d min %02d s)\n' "$1" $((SECONDS / 60)) $((SECONDS % 60)); }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

stage "install and build"
bash scripts/install-deps.sh --test
bash scripts/build.sh release
bash scripts/build.sh asan
bash scripts/build.sh fuzz

stage "unit tests"
ctest --test-dir build --output-on-failure
stage "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure

stage "fuzz targets: corpus replay, then a fixed seed"
bash scripts/fuzz.sh

stage "integration tests with the sanitizer build of k2td"
K2TD_BIN=$repo/build-asan/k2td ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    .cache/venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    -m "not heavy and not soak" tests/integration

stage "stand-in and integration tests"
K2TD_BIN=$repo/build/k2td .cache/venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    -m "not soak" tests/standin tests/integration

stage "service API tests with the sanitizer build of k2td"
K2TD_BIN=$repo/build-asan/k2td ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    .cache/venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    -m "not heavy and not soak" tests/service

stage "service API tests with the release build"
K2TD_BIN=$repo/build/k2td .cache/venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
    -m "not soak" tests/service

stage "browser tests"
K2TD_BIN=$repo/build/k2td .cache/venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 tests/browser

stage "real TDengine tests"
bash scripts/test-tdengine.sh
stage "done"
