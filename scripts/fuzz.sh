#!/usr/bin/env bash
# Runs the libFuzzer targets of build-fuzz/ (scripts/build.sh fuzz) in two
# steps per target, so that the same tree gives the same answer every time:
#   1. replay: every input of tests/fuzz/corpus/<target>/ once;
#   2. fuzz: a fixed number of executions from a fixed seed, starting from a
#      copy of that corpus (libFuzzer is deterministic for a given seed,
#      corpus and run count).
# Work copies, logs and crash files stay under build-fuzz/fuzz-work/, never in
# the source tree. A finding prints the command that reproduces it.
#
#   scripts/fuzz.sh [TARGET...]        (default: every build-fuzz/tests/fuzz_*)
#
# Environment:
#   K2TD_FUZZ_RUNS     executions per target in step 2 (default 300000)
#   K2TD_FUZZ_SEED     libFuzzer seed of step 2 (default 1)
#   K2TD_FUZZ_SECONDS  a cap on step 2's time per target (default 900); a run
#                      cut short by it says so
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${K2TD_FUZZ_RUNS:-300000}
seed=${K2TD_FUZZ_SEED:-1}
cap=${K2TD_FUZZ_SECONDS:-900}
bin_dir=$repo/build-fuzz/tests
work_root=$repo/build-fuzz/fuzz-work

targets=("$@")
if ((${#targets[@]} == 0)); then
    for f in "$bin_dir"/fuzz_*; do targets+=("$(basename "$f")"); done
fi
((${#targets[@]} > 0)) || { echo "fuzz.sh: no target in $bin_dir (run scripts/build.sh fuzz)" >&2; exit 1; }

# Prints how to reproduce the finding(s) of target $1 and fails.
report_finding() {
    local name=$1 log=$2 crash
    tail -40 "$log"
    echo "fuzz.sh: $name found a defect (log: $log)" >&2
    for crash in "$work_root/$name"-*; do
        [[ -e $crash ]] || continue
        echo "fuzz.sh: reproduce with: $bin_dir/$name $crash" >&2
        echo "fuzz.sh: input (base64): $(base64 -w0 "$crash")" >&2
    done
    exit 1
}

mkdir -p "$work_root"
for name in "${targets[@]}"; do
    fuzzer=$bin_dir/$name
    corpus=$repo/tests/fuzz/corpus/${name#fuzz_}
    [[ -x $fuzzer ]] || { echo "fuzz.sh: $fuzzer is not built" >&2; exit 1; }
    [[ -d $corpus ]] || { echo "fuzz.sh: $name has no corpus $corpus" >&2; exit 1; }
    work=$work_root/$name
    log=$work_root/$name.log
    rm -rf "$work" "$work_root/$name"-*
    mkdir -p "$work"
    cp "$corpus"/. "$work"/ -r

    echo "-- $name: replay of $(find "$corpus" -type f | wc -l) corpus inputs"
    find "$corpus" -type f -print0 | sort -z |
        xargs -0 "$fuzzer" -artifact_prefix="$work_root/$name-" >"$log" 2>&1 ||
        report_finding "$name" "$log"

    echo "-- $name: $runs executions from seed $seed"
    "$fuzzer" -seed="$seed" -runs="$runs" -max_total_time="$cap" -print_final_stats=1 \
        -artifact_prefix="$work_root/$name-" "$work" >"$log" 2>&1 ||
        report_finding "$name" "$log"
    done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "   $done_runs executions, $(sed -n 's/^stat::peak_rss_mb: *//p' "$log") MB peak RSS," \
        "corpus $(find "$work" -type f | wc -l) inputs"
    if ((done_runs < runs)); then
        echo "fuzz.sh: $name stopped after $cap s, before $runs executions" >&2
    fi
done
