#!/usr/bin/env bash
# Installs what k2td needs on Debian 12: the packages to build and run it and,
# with --test, what its tests need too (tools, a KDC, a Python venv with the
# test libraries, the jars of the Kafka brokers, 4 and 3). Safe to run again:
# it only installs what is missing.
#
#   scripts/install-deps.sh [--test]
#
# Environment: K2TD_CACHE (default <repo>/.cache) holds the venv and the jars;
# K2TD_PYTHON is the interpreter the venv is made from (default /usr/bin/python3).
set -euo pipefail

# The one list of Debian packages the project depends on.
# (libsasl2-modules-gssapi-mit and krb5-user: librdkafka's GSSAPI login, its
# Cyrus SASL plugin and the kinit it runs. HTTPS in `k2td serve` is
# libmicrohttpd's TLS: Debian's libmicrohttpd12 is built with GnuTLS and pulls
# in libgnutls30, so no GnuTLS package is listed.)
build_packages=(build-essential cmake ninja-build pkg-config
    librdkafka-dev libcurl4-openssl-dev libcjson-dev libpcre2-dev liblua5.4-dev
    libmicrohttpd-dev libsqlite3-dev libssl-dev libsasl2-modules-gssapi-mit krb5-user)
# (openssl: the test broker's client certificates and the service tests'
# self-signed certificates; krb5-kdc, krb5-admin-server: the GSSAPI tests' KDC
# and its kadmin.local)
test_packages=(kcat clang libclang-rt-14-dev python3 python3-venv maven time chromium
    openssl krb5-kdc krb5-admin-server)
# Installed only when no Java 17 or newer is on the PATH.
jre_package=default-jre-headless
min_java=17

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${K2TD_CACHE:-$repo/.cache}
python=${K2TD_PYTHON:-/usr/bin/python3}

die() { echo "install-deps.sh: $*" >&2; exit 1; }

with_test=0
for arg in "$@"; do
    case $arg in
    --test) with_test=1 ;;
    *) die "usage: install-deps.sh [--test]" ;;
    esac
done

# Succeeds when `java -version` reports a major version of at least min_java
# and keytool (the test broker's SSL certificate) is there too.
java_ok() {
    local major
    command -v java >/dev/null && command -v keytool >/dev/null || return 1
    major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    [[ -n $major && $major -ge $min_java ]]
}

# Installs the named Debian packages that are not installed yet; runs apt
# only when at least one is missing. Fails when apt fails.
apt_install() {
    local missing=() pkg sudo=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
            missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        echo "install-deps.sh: Debian packages already installed"
        return 0
    fi
    if ((EUID != 0)); then
        command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
        sudo=(sudo)
    fi
    echo "install-deps.sh: installing ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Makes <cache>/venv and installs tests/requirements.txt into it, unless a
# venv made from the same requirements is already there.
make_venv() {
    local venv=$cache/venv req=$repo/tests/requirements.txt want
    want=$(sha256sum "$req" | cut -d' ' -f1)
    if [[ -x $venv/bin/python && -f $venv/.requirements.sha256 &&
        $(<"$venv/.requirements.sha256") == "$want" ]]; then
        echo "install-deps.sh: venv $venv up to date"
        return 0
    fi
    [[ -x $python ]] || python=$(command -v python3) || die "python3 not found"
    mkdir -p "$cache"
    [[ -x $venv/bin/python ]] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    echo "$want" >"$venv/.requirements.sha256"
    echo "install-deps.sh: venv $venv ready"
}

packages=("${build_packages[@]}")
if ((with_test)); then
    packages+=("${test_packages[@]}")
    java_ok || packages+=("$jre_package")
fi
apt_install "${packages[@]}"

if ((with_test)); then
    java_ok || die "java $min_java or newer is still missing after installing $jre_package"
    make_venv
    K2TD_CACHE=$cache "$repo/tests/kafka/broker.sh" fetch
    K2TD_CACHE=$cache K2TD_KAFKA_FLAVOUR=3 "$repo/tests/kafka/broker.sh" fetch
    # the browser tests' npm packages (playwright-core), as pinned by the lock file
    command -v npm >/dev/null || die "npm not found: the browser tests need Node.js 20 with npm"
    npm ci --prefix "$repo/tests/browser" --no-audit --no-fund
    echo "install-deps.sh: test dependencies ready"
fi
