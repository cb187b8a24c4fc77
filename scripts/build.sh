#!/usr/bin/env bash
# Configures and builds k2td with CMake + Ninja.
#
#   scripts/build.sh [release|asan|fuzz]   (default: release)
#
# release -> build/       optimised, the binary users run
# asan    -> build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
# fuzz    -> build-fuzz/  clang with libFuzzer targets (and the sanitizers)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
flavour=${1:-release}
case $flavour in
release) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DK2TD_SANITIZE=ON -DCMAKE_C_COMPILER=clang) ;;
fuzz) dir=build-fuzz; flags=(-DCMAKE_BUILD_TYPE=Debug -DK2TD_SANITIZE=ON -DK2TD_FUZZ=ON
    -DCMAKE_C_COMPILER=clang) ;;
*) echo "usage: build.sh [release|asan|fuzz]" >&2; exit 2 ;;
esac
cmake -S "$repo" -B "$repo/$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$repo/$dir"
