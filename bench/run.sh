#!/usr/bin/env bash
# Runs every benchmark and prints the numbers that bench/README.md reports.
#
#   bench/run.sh [messages]        (default 1000000)
#
# Installs the test tooling, builds the release binary, then runs
#   1. json_parse_bench   - the JSON parser alone vs cJSON, one core
#   2. transform_bench    - parse -> map -> INSERT text, one core
#   3. text_parse_bench, udt_bench, expr_bench - regex/CSV payloads, a Lua
#      UDT and expressions, one core
#   4. e2e_bench.py       - real broker -> k2td -> fast sink / stand-in, vs kcat
#   5. restart_bench.py   - time to the first row after a restart that follows
#      kill -9, with and without static group membership
#   6. backlog_bench.py   - a backlog of [messages] drained into the fast sink,
#      k2td's peak RSS against 256 MiB (the 10 M run into the real TDengine:
#      bench/README.md, "Backlog and memory")
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
n=${1:-1000000}
bash scripts/install-deps.sh --test >/dev/null
bash scripts/build.sh release >/dev/null
echo "== JSON parser, one core (taskset -c 1)"
taskset -c 1 build/bench/json_parse_bench "$n"
echo "== transform path, one core (taskset -c 1)"
taskset -c 1 build/bench/transform_bench "$n" 10000 5
echo "== regex and CSV payloads, Lua UDT, expressions, one core (taskset -c 1)"
taskset -c 1 build/bench/text_parse_bench "$n" 3
taskset -c 1 build/bench/udt_bench "$n" 3
taskset -c 1 build/bench/expr_bench "$n"
echo "== end to end"
.cache/venv/bin/python bench/e2e_bench.py --messages "$n"
echo "== restart after kill -9"
.cache/venv/bin/python bench/restart_bench.py
echo "== backlog: peak RSS"
.cache/venv/bin/python bench/backlog_bench.py --sink fast --messages "$n"
