#!/usr/bin/env bash
# Installs what k2td needs, builds it, and runs a task.
#
#   scripts/start.sh [TASK.json]     (default: examples/meters-task.json)
#
# The task runs in the foreground until it finishes (its `timeout`) or is
# stopped with Ctrl-C / SIGTERM, which writes the open batch and commits.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
task=${1:-$repo/examples/meters-task.json}
bash "$repo/scripts/install-deps.sh"
bash "$repo/scripts/build.sh" release
exec "$repo/build/k2td" run "$task"
