# daemon.sh - sourced by broker.sh and kdc.sh: the bookkeeping of a test
# daemon whose run directory holds its pid file. The sourcing script sets
# run_dir, defines start_once (0 when started, 2 when a port was taken
# meanwhile, 1 on other failures) and calls these.

# Prints the PID of $run_dir/pid when that process is alive and its command
# line holds marker $1, so a recycled PID is never mistaken for (or killed
# as) the daemon; fails otherwise.
daemon_pid() {
    local pid state
    [[ -s $run_dir/pid ]] || return 1
    pid=$(<"$run_dir/pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state != Z ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" || return 1
    echo "$pid"
}

# Stops the daemon of marker $1: SIGTERM, then SIGKILL after $2 seconds (saying
# so, as name $3). Succeeds when none runs.
daemon_stop() {
    local marker=$1 grace=$2 name=$3 pid i
    pid=$(daemon_pid "$marker") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        daemon_pid "$marker" >/dev/null || return 0
        sleep 0.1
    done
    echo "$name $pid ignored SIGTERM for ${grace}s, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        daemon_pid "$marker" >/dev/null || return 0
        sleep 0.1
    done
}

# Prints $1 distinct TCP ports that are free on 127.0.0.1 right now.
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# Waits up to start_wait seconds until the command "${@:3}" succeeds (the
# daemon answers). $1 names the daemon in messages, $2 lists its log files
# (space-separated). Returns 0 once it answers; 2 when it died because a port
# was taken meanwhile; 1, its logs' tails shown, when it died otherwise or did
# not answer in time (then it is stopped).
daemon_wait_ready() {
    local name=$1 logs=$2 deadline=$((SECONDS + start_wait))
    shift 2
    until "$@"; do
        if ! running_pid >/dev/null; then
            # shellcheck disable=SC2086  # logs is a list of paths
            grep -qs "Address already in use" $logs && return 2
            # shellcheck disable=SC2086
            tail -n 40 $logs >&2 || true
            echo "$name exited during start (logs in $run_dir)" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            stop
            echo "$name did not answer within ${start_wait}s (logs in $run_dir)" >&2
            return 1
        fi
        sleep 0.2
    done
}

# Runs start_once up to three times while it reports a port taken meanwhile
# (2); returns its last status, or fails naming $1 after three tries.
start_retrying() {
    local rc
    for _ in 1 2 3; do
        rc=0
        start_once || rc=$?
        [[ $rc -eq 2 ]] || return "$rc"
        echo "$1: a port was taken meanwhile, retrying on new ports" >&2
    done
    echo "$1: no free ports after 3 tries" >&2
    return 1
}
