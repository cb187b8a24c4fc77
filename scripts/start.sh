#!/usr/bin/env bash
# Installs what k2td needs, builds it, and starts the service: the web page
# and HTTP API on http://127.0.0.1:6060, tasks and their history in
# ./k2td-data (under the repository).
#
#   scripts/start.sh [serve options]     e.g. --listen 0.0.0.0:6060 --config FILE
#   scripts/start.sh --task TASK.json    run one task file instead (k2td run)
#
# The first start writes the password of user `admin` to
# k2td-data/admin-password (or set K2TD_ADMIN_PASSWORD, or --config). Ctrl-C
# or SIGTERM stops the service: every task writes its open batch and
# commits, and resumes at the next start.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/install-deps.sh"
bash "$repo/scripts/build.sh" release
if [[ ${1:-} == --task ]]; then
    exec "$repo/build/k2td" run "${2:-$repo/examples/meters-task.json}"
fi
cd "$repo"
exec "$repo/build/k2td" serve "$@"
