#!/usr/bin/env bash
# Runs the single-node Apache Kafka broker (KRaft, loopback only) that the
# integration tests talk to.
#
#   broker.sh fetch    download the broker's jars into the cache (only when missing)
#   broker.sh start    start a fresh broker on free ports; prints its bootstrap address
#                      (the PLAINTEXT listener). Its secure listeners are described in
#                      files of the run directory, one line each:
#                        sasl          "address user password": SASL_PLAINTEXT with
#                                      PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for that
#                                      user (and GSSAPI when Kerberos is configured)
#                        ssl-listener  "address ca.pem-path": SSL, server certificate
#                                      for IP 127.0.0.1 only, no client certificate
#                        sasl-ssl      "address": SASL_SSL, PLAIN for the sasl user,
#                                      same certificate
#                        mtls          "address cert.pem key.pem key-password": SSL
#                                      requiring a client certificate from the run
#                                      directory's client CA; the one given is signed
#                                      by it (its key encrypted with key-password)
#   broker.sh stop     stop the broker started in the run directory
#   broker.sh restart  start that broker again after a stop: same configuration,
#                      data (topics, messages, committed offsets) and ports;
#                      prints its bootstrap address
#   broker.sh status   say whether it runs (exit 0) or not (exit 1)
#
# Environment:
#   K2TD_CACHE              cache directory (default <repo>/.cache)
#   K2TD_KAFKA_DIR          run directory: config, data, logs, pid, bootstrap
#                           (default <cache>/broker-run); one broker per directory
#   K2TD_KAFKA_START_WAIT   seconds start waits for the broker to answer (default 60)
#   K2TD_KAFKA_HEAP         JVM heap limit (default 512m)
#   K2TD_KAFKA_FLAVOUR      which Apache Kafka of pom.xml: 4 (default, kafka.version)
#                           or 3 (kafka3.version, for what Kafka 4 refuses to
#                           librdkafka 2.0.2, such as its SCRAM login)
#   K2TD_KAFKA_KERBEROS     "keytab principal": adds GSSAPI to the SASL_PLAINTEXT
#                           listener, the broker logging in as principal
#                           (service/host@REALM) from keytab; the KDC is found
#                           through the krb5.conf named by KRB5_CONFIG
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
pom=$here/pom.xml
flavour=${K2TD_KAFKA_FLAVOUR:-4}
case $flavour in
4) version_property=kafka.version ;;
3) version_property=kafka3.version ;;
*) echo "broker.sh: K2TD_KAFKA_FLAVOUR must be 4 or 3, not $flavour" >&2; exit 1 ;;
esac
kafka_version=$(sed -n "s:.*<$version_property>\\(.*\\)</$version_property>.*:\\1:p" "$pom")
kerberos=${K2TD_KAFKA_KERBEROS:-}
cache=${K2TD_CACHE:-$repo/.cache}
libs=$cache/kafka-$kafka_version/libs
run_dir=${K2TD_KAFKA_DIR:-$cache/broker-run}
start_wait=${K2TD_KAFKA_START_WAIT:-60}
heap=${K2TD_KAFKA_HEAP:-512m}
# The broker's command line names the run directory; keep it absolute so
# every later call recognises its broker.
if [[ -d $run_dir ]]; then run_dir=$(cd "$run_dir" && pwd); fi

die() { echo "broker.sh: $*" >&2; exit 1; }
# shellcheck source=daemon.sh
source "$here/daemon.sh"

# Prints the broker's PID when the run directory's broker is alive, else fails.
running_pid() { daemon_pid "kafka.Kafka $run_dir/server.properties"; }

# Succeeds when the broker at bootstrap address $1 answers a metadata request.
answers() { [[ $(kcat -b "$1" -L -m 1 2>/dev/null) == *$'\n 1 brokers:'* ]]; }

# Copies the jars named in pom.xml into the cache unless a copy made from the
# same pom.xml is already there. Fails when Maven fails.
fetch() {
    local stamp want tmp
    stamp=$libs/.pom.sha256
    want="$(sha256sum "$pom" | cut -d' ' -f1) $kafka_version"
    if [[ -f $stamp && $(<"$stamp") == "$want" ]]; then
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found (run scripts/install-deps.sh --test)"
    mkdir -p "$(dirname "$libs")"
    tmp=$(mktemp -d "$(dirname "$libs")/libs.XXXXXX")
    echo "broker.sh: fetching Kafka $kafka_version jars into $libs" >&2
    if ! mvn -B --no-transfer-progress -f "$pom" dependency:copy-dependencies \
            "-Dkafka.version=$kafka_version" -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
        tail -n 40 "$tmp.log" >&2
        rm -rf "$tmp" "$tmp.log"
        die "maven could not fetch the Kafka jars"
    fi
    rm -f "$tmp.log"
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$libs"
    mv "$tmp" "$libs"
}

# The SASL listeners' test user (written to the run directory's sasl file
# for the tests): PLAIN through the JAAS config, SCRAM-SHA-256/512 through
# credentials added at format time. (Kafka 4 refuses the SCRAM proof of
# librdkafka before 2.6.1, confluentinc/librdkafka#4895, Debian's is 2.0.2;
# Kafka 3 and Java clients log in with the same user.)
sasl_user=k2tdtest
sasl_password=k2tdsecret

# The SSL listeners' certificate: self-signed for 127.0.0.1 (its own CA),
# made fresh in the run directory at every start; the tests trust ca.pem.
ssl_password=k2tdstore
# The password of the mTLS client's key.
client_key_password=k2tdclientkey

# Writes $run_dir/ssl/broker.p12 (the broker's key and certificate),
# $run_dir/ssl/ca.pem (the certificate, for clients to trust), and a client
# CA (clients-ca.pem, the mTLS listener's trust store) with one client
# certificate signed by it: client.pem, its key client.key encrypted with
# client_key_password.
make_certificates() {
    local ssl=$run_dir/ssl
    rm -rf "$ssl"
    mkdir -p "$ssl"
    keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 7 \
        -dname CN=127.0.0.1 -ext SAN=IP:127.0.0.1 -ext BC:c=ca:true \
        -keystore "$ssl/broker.p12" -storetype PKCS12 \
        -storepass "$ssl_password" -keypass "$ssl_password" >/dev/null 2>&1 &&
        keytool -exportcert -rfc -alias broker -keystore "$ssl/broker.p12" \
            -storepass "$ssl_password" -file "$ssl/ca.pem" >/dev/null 2>&1 || return 1
    command -v openssl >/dev/null || { echo "broker.sh: openssl not found" >&2; return 1; }
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=k2td-test-client-ca \
        -keyout "$ssl/clients-ca.key" -out "$ssl/clients-ca.pem" 2>/dev/null &&
        openssl req -newkey rsa:2048 -subj /CN=$sasl_user -passout "pass:$client_key_password" \
            -keyout "$ssl/client.key" -out "$ssl/client.csr" 2>/dev/null &&
        openssl x509 -req -days 7 -in "$ssl/client.csr" -CA "$ssl/clients-ca.pem" \
            -CAkey "$ssl/clients-ca.key" -CAcreateserial -out "$ssl/client.pem" 2>/dev/null
}

# Prints the server.properties lines of the GSSAPI mechanism on the
# SASL_PLAINTEXT listener when K2TD_KAFKA_KERBEROS is set.
kerberos_config() {
    local keytab principal
    [[ -n $kerberos ]] || return 0
    read -r keytab principal <<<"$kerberos"
    echo "sasl.kerberos.service.name=${principal%%/*}"
    echo "listener.name.sasl_plaintext.gssapi.sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab=\"$keytab\" principal=\"$principal\";"
}

# Writes server.properties for a broker+controller on the given ports: a
# PLAINTEXT listener, SASL_PLAINTEXT (PLAIN, SCRAM, GSSAPI when configured),
# SSL, SASL_SSL (PLAIN), MTLS (SSL with client certificates) and the
# controller's. Kafka's authorizer runs, allowing what no ACL names: tests
# refuse a user a topic or group with ACLs, made through the PLAINTEXT
# listener, whose user ANONYMOUS (also the controller's and the SSL
# listener's) is a super user.
write_config() {
    local port=$1 cport=$2 sport=$3 tport=$4 ssport=$5 mport=$6 mechanisms plain scram
    mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512${kerberos:+,GSSAPI}
    plain="org.apache.kafka.common.security.plain.PlainLoginModule required user_$sasl_user=\"$sasl_password\";"
    scram="org.apache.kafka.common.security.scram.ScramLoginModule required;"
    cat >"$run_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport,SASL_PLAINTEXT://127.0.0.1:$sport,SSL://127.0.0.1:$tport,SASL_SSL://127.0.0.1:$ssport,MTLS://127.0.0.1:$mport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sport,SSL://127.0.0.1:$tport,SASL_SSL://127.0.0.1:$ssport,MTLS://127.0.0.1:$mport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,MTLS:SSL
sasl.enabled.mechanisms=$mechanisms
listener.name.sasl_plaintext.sasl.enabled.mechanisms=$mechanisms
listener.name.sasl_plaintext.plain.sasl.jaas.config=$plain
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$scram
$(kerberos_config)
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=$plain
listener.name.mtls.ssl.client.auth=required
listener.name.mtls.ssl.truststore.type=PEM
listener.name.mtls.ssl.truststore.location=$run_dir/ssl/clients-ca.pem
ssl.keystore.location=$run_dir/ssl/broker.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$ssl_password
ssl.key.password=$ssl_password
log.dirs=$run_dir/data
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=true
super.users=User:ANONYMOUS
EOF
}

# Sets java_opts, the JVM options shared by the storage formatter and the
# broker: small heap, the jars, logging into the run directory.
java_opts=()
set_java_opts() {
    java_opts=(-Xms128m "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true
        "-Dlog4j2.configurationFile=$here/log4j2.xml" "-Dkafka.logs.dir=$run_dir/logs"
        -cp "$libs/*")
    if [[ -n $kerberos ]]; then
        java_opts+=("-Djava.security.krb5.conf=${KRB5_CONFIG:?K2TD_KAFKA_KERBEROS needs KRB5_CONFIG}")
    fi
}

# Starts the broker's JVM on the run directory's configuration and storage
# and waits until it answers at bootstrap address $1. Returns as
# daemon_wait_ready.
launch() {
    setsid java "${java_opts[@]}" kafka.Kafka "$run_dir/server.properties" \
        </dev/null >>"$run_dir/logs/stdout.log" 2>&1 &
    echo "$!" >"$run_dir/pid"
    daemon_wait_ready "broker.sh: broker" "$run_dir/logs/server.log $run_dir/logs/stdout.log" \
        answers "$1"
}

# Starts the JVM on fresh storage and waits until it answers a metadata
# request. Returns 0 when it does, 2 when a port was taken meanwhile (the
# caller retries on new ports), 1 on any other failure.
start_once() {
    local port cport sport tport ssport mport bootstrap
    if ! read -r port cport sport tport ssport mport < <(free_ports 6) || [[ -z $mport ]]; then
        echo "broker.sh: could not pick free ports" >&2
        return 1
    fi
    bootstrap=127.0.0.1:$port
    rm -rf "$run_dir/data" "$run_dir/logs" "$run_dir/bootstrap" "$run_dir/sasl" "$run_dir/ssl-listener" \
        "$run_dir/sasl-ssl" "$run_dir/mtls" "$run_dir/pid"
    mkdir -p "$run_dir/data" "$run_dir/logs"
    make_certificates || { echo "broker.sh: could not make the SSL certificates" >&2; return 1; }
    write_config "$port" "$cport" "$sport" "$tport" "$ssport" "$mport"
    java "${java_opts[@]}" kafka.tools.StorageTool format \
        -t "$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)" \
        -c "$run_dir/server.properties" \
        --add-scram "SCRAM-SHA-256=[name=$sasl_user,password=$sasl_password]" \
        --add-scram "SCRAM-SHA-512=[name=$sasl_user,password=$sasl_password]" \
        >"$run_dir/logs/format.out" 2>&1 ||
        { cat "$run_dir/logs/format.out" >&2; echo "broker.sh: storage format failed" >&2; return 1; }
    launch "$bootstrap" || return
    echo "127.0.0.1:$sport $sasl_user $sasl_password" >"$run_dir/sasl"
    echo "127.0.0.1:$tport $run_dir/ssl/ca.pem" >"$run_dir/ssl-listener"
    echo "127.0.0.1:$ssport" >"$run_dir/sasl-ssl"
    echo "127.0.0.1:$mport $run_dir/ssl/client.pem $run_dir/ssl/client.key $client_key_password" \
        >"$run_dir/mtls"
    echo "$bootstrap" >"$run_dir/bootstrap"
    echo "$bootstrap"
}

# Starts a broker in the run directory unless one already runs there; either
# way prints its bootstrap address. Fails when it cannot start or answer.
start() {
    if running_pid >/dev/null; then
        cat "$run_dir/bootstrap"
        return 0
    fi
    command -v java >/dev/null || die "java not found (run scripts/install-deps.sh --test)"
    command -v kcat >/dev/null || die "kcat not found (run scripts/install-deps.sh --test)"
    fetch
    mkdir -p "$run_dir"
    run_dir=$(cd "$run_dir" && pwd)
    set_java_opts
    start_retrying broker.sh
}

# Starts the run directory's broker again after a stop, with its
# configuration, data and ports kept (a broker restart as clients see it);
# prints its bootstrap address. Does nothing but print it when the broker
# runs. Fails when no broker was started in the run directory or it cannot
# start or answer (a port taken meanwhile included).
restart() {
    local port
    if running_pid >/dev/null; then
        cat "$run_dir/bootstrap"
        return 0
    fi
    [[ -f $run_dir/server.properties ]] || die "no broker was started in $run_dir"
    port=$(sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$run_dir/server.properties")
    [[ -n $port ]] || die "no PLAINTEXT listener in $run_dir/server.properties"
    set_java_opts
    launch "127.0.0.1:$port" || die "the broker of $run_dir did not start again"
    echo "127.0.0.1:$port" >"$run_dir/bootstrap"
    echo "127.0.0.1:$port"
}

# Stops the run directory's broker: SIGTERM, then SIGKILL after 30 s. Succeeds
# when none runs.
stop() {
    daemon_stop "kafka.Kafka $run_dir/server.properties" 30 "broker.sh: broker"
    rm -f "$run_dir/pid" "$run_dir/bootstrap"
}

# Prints "running <pid> <bootstrap>" and succeeds, or "stopped" and fails.
status() {
    local pid
    if pid=$(running_pid); then
        echo "running $pid $(cat "$run_dir/bootstrap" 2>/dev/null || echo starting)"
    else
        echo "stopped"
        return 1
    fi
}

case ${1:-} in
fetch) fetch ;;
start) start ;;
stop) stop ;;
restart) restart ;;
status) status ;;
*) die "usage: broker.sh fetch|start|stop|restart|status" ;;
esac
