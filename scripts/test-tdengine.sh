#!/usr/bin/env bash
# Runs the end-to-end tests against a real TDengine server (tests/tdengine):
# a Kafka broker -> the release build of k2td -> taosAdapter's /rest/sql.
#
#   scripts/test-tdengine.sh [pytest args...]
#
# Without a test path among the arguments it runs all of tests/tdengine;
# with one (scripts/test-tdengine.sh tests/tdengine/test_outages.py) only that.
#
#   scripts/test-tdengine.sh --exec CMD [ARGS...]
#
# runs CMD instead of pytest, in the same namespace beside the same server
# (bench/backlog_bench.py --sink tdengine).
#
# The server comes from the td.sh kit in $K2TD_TDENGINE_HOME, else
# ../shared/tdengine relative to the repository root; when that directory is
# absent the suite is skipped, saying so (and the script succeeds). The server
# runs in a network namespace and a state directory of this run's own (k2td-td-<pid>), where
# the broker, k2td and pytest run too; both are removed on exit, also when a
# test fails or the script is interrupted. Expects build/k2td (scripts/build.sh
# release) and the test venv in .cache/venv (scripts/install-deps.sh --test).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

td_home=${K2TD_TDENGINE_HOME:-$repo/../shared/tdengine}
if [ ! -d "$td_home" ]; then
    echo "real TDengine suite skipped: $td_home not found"
    exit 0
fi
td_home=$(cd "$td_home" && pwd)
td="$td_home/td.sh"

export TD_NETNS=k2td-td-$$
export TD_STATE=${TMPDIR:-/tmp}/k2td-td-$$
# the outage tests stop taosd or taosAdapter and start them again with it
export K2TD_TD_SH=$td

cleanup() {
    local rc=$?
    bash "$td" down || true
    # whatever a killed test left in this run's namespace (a broker, k2td)
    local pid
    for pid in $(ip netns pids "$TD_NETNS" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$TD_NETNS" 2>/dev/null || true
    rm -rf "$TD_STATE"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

paths=tests/tdengine
for arg in "$@"; do
    case "$arg" in tests/*) paths= ;; esac
done

echo "== real TDengine (netns $TD_NETNS, state $TD_STATE)"
bash "$td" up
if [ "${1:-}" = --exec ]; then
    shift
    bash "$td" exec env K2TD_BIN="$repo/build/k2td" "$@"
    exit
fi
bash "$td" exec env K2TD_BIN="$repo/build/k2td" \
    "$repo/.cache/venv/bin/python" -m pytest -q -p no:cacheprovider $paths "$@"
