#!/usr/bin/env bash
# Runs a throw-away MIT Kerberos KDC on loopback (Debian's krb5-kdc) for the
# GSSAPI tests: a realm of its own, its configuration, database and log all in
# one run directory, nothing of the machine's /etc/krb5* used or touched.
#
#   kdc.sh start                  create the realm and start the KDC on a free
#                                 port (TCP and UDP); prints "realm port"
#   kdc.sh keytab PRINCIPAL FILE  add PRINCIPAL (random key) unless it exists,
#                                 and write its keys to the keytab FILE
#   kdc.sh rekey PRINCIPAL        give PRINCIPAL a new random key (the keytabs
#                                 written before no longer log it in)
#   kdc.sh stop                   stop the KDC of the run directory
#   kdc.sh status                 say whether it runs (exit 0) or not (exit 1)
#
# Clients and kadmin find the realm through the files start writes:
#   KRB5_CONFIG=<run directory>/krb5.conf  KRB5_KDC_PROFILE=<run directory>/kdc.conf
#
# Environment:
#   K2TD_KDC_DIR     run directory (required; start empties it)
#   K2TD_KDC_REALM   realm name (default K2TD.TEST)
#   K2TD_KDC_WAIT    seconds start waits for the KDC to listen (default 20)
set -euo pipefail

run_dir=${K2TD_KDC_DIR:?K2TD_KDC_DIR must name the KDC run directory}
realm=${K2TD_KDC_REALM:-K2TD.TEST}
start_wait=${K2TD_KDC_WAIT:-20}
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
export KRB5_CONFIG=$run_dir/krb5.conf KRB5_KDC_PROFILE=$run_dir/kdc.conf

die() { echo "kdc.sh: $*" >&2; exit 1; }
# shellcheck source=daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"

# Prints the KDC's PID when it is alive, else fails.
running_pid() { daemon_pid "krb5kdc -n -P $run_dir/krb5kdc.pid"; }

# Writes krb5.conf (clients: the realm's KDC on the port, TCP preferred, host
# names taken as written) and kdc.conf (the KDC: database, ports, log).
write_config() {
    local port=$1
    cat >"$run_dir/krb5.conf" <<EOF
[libdefaults]
    default_realm = $realm
    dns_lookup_realm = false
    dns_lookup_kdc = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
    ticket_lifetime = 1h
    renew_lifetime = 1d

[realms]
    $realm = {
        kdc = 127.0.0.1:$port
    }

[domain_realm]
    127.0.0.1 = $realm
    localhost = $realm
EOF
    cat >"$run_dir/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port

[realms]
    $realm = {
        database_name = $run_dir/db/principal
        key_stash_file = $run_dir/db/stash
        acl_file = $run_dir/kadm5.acl
        max_life = 1h
        max_renewable_life = 1d
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }

[logging]
    kdc = FILE:$run_dir/kdc.log
EOF
    : >"$run_dir/kadm5.acl"
}

# Succeeds when something accepts TCP connections on 127.0.0.1 port $1.
listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Creates the realm and starts the KDC; returns 0 once it listens, 2 when
# the port was taken meanwhile (the caller retries), 1 on other failures.
start_once() {
    local port pid
    port=$(free_ports 1) || return 1
    rm -rf "$run_dir/db" "$run_dir/kdc.log" "$run_dir/pid" "$run_dir/port"
    mkdir -p "$run_dir/db"
    write_config "$port"
    kdb5_util -r "$realm" create -s -P "k2td-kdc-master-$RANDOM$RANDOM" >"$run_dir/kdb5_util.out" 2>&1 ||
        { cat "$run_dir/kdb5_util.out" >&2; echo "kdc.sh: kdb5_util could not create the realm" >&2; return 1; }
    setsid krb5kdc -n -P "$run_dir/krb5kdc.pid" -r "$realm" </dev/null >"$run_dir/stdout.log" 2>&1 &
    pid=$!
    echo "$pid" >"$run_dir/pid"
    daemon_wait_ready "kdc.sh: krb5kdc" "$run_dir/kdc.log $run_dir/stdout.log" listens "$port" ||
        return
    echo "$port" >"$run_dir/port"
    echo "$realm $port"
}

start() {
    if running_pid >/dev/null; then
        echo "$realm $(<"$run_dir/port")"
        return 0
    fi
    for tool in krb5kdc kdb5_util kadmin.local; do
        command -v "$tool" >/dev/null ||
            die "$tool not found (run scripts/install-deps.sh --test: krb5-kdc, krb5-admin-server)"
    done
    start_retrying kdc.sh
}

# Adds the principal (random key) unless it exists and exports its current
# keys, without changing them, to the keytab file.
keytab() {
    local principal=$1 file=$2 out
    [[ -f $run_dir/kdc.conf ]] || die "no realm in $run_dir (kdc.sh start first)"
    if ! out=$(kadmin.local -r "$realm" -q "getprinc $principal" 2>&1) ||
        [[ $out != *"Principal: "* ]]; then
        kadmin.local -r "$realm" -q "addprinc -randkey $principal" >"$run_dir/kadmin.out" 2>&1 ||
            { cat "$run_dir/kadmin.out" >&2; die "could not add $principal"; }
    fi
    rm -f "$file"
    kadmin.local -r "$realm" -q "ktadd -norandkey -k $file $principal" >"$run_dir/kadmin.out" 2>&1 &&
        [[ -s $file ]] || { cat "$run_dir/kadmin.out" >&2; die "could not write the keytab of $principal"; }
}

rekey() {
    local principal=$1
    [[ -f $run_dir/kdc.conf ]] || die "no realm in $run_dir (kdc.sh start first)"
    kadmin.local -r "$realm" -q "cpw -randkey $principal" >"$run_dir/kadmin.out" 2>&1 &&
        ! grep -q "while" "$run_dir/kadmin.out" ||
        { cat "$run_dir/kadmin.out" >&2; die "could not give $principal a new key"; }
}

# Stops the KDC: SIGTERM, SIGKILL after 10 s. Succeeds when none runs.
stop() {
    daemon_stop "krb5kdc -n -P $run_dir/krb5kdc.pid" 10 "kdc.sh: krb5kdc"
    rm -f "$run_dir/pid"
}

status() {
    local pid
    if pid=$(running_pid); then
        echo "running $pid $realm $(<"$run_dir/port")"
    else
        echo "stopped"
        return 1
    fi
}

case ${1:-} in
start) start ;;
keytab) [[ $# -eq 3 ]] || die "usage: kdc.sh keytab PRINCIPAL FILE"; keytab "$2" "$3" ;;
rekey) [[ $# -eq 2 ]] || die "usage: kdc.sh rekey PRINCIPAL"; rekey "$2" ;;
stop) stop ;;
status) status ;;
*) die "usage: kdc.sh start|keytab PRINCIPAL FILE|rekey PRINCIPAL|stop|status" ;;
esac
