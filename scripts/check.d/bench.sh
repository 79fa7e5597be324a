#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Smoke test of the benchmark, so that it never rots: bench/run --quick runs every case with a
# few messages against tsmqtt and mosquitto's own clients and checks that every message
# arrived; it asserts no timing (the full run, by hand, is bench/RESULTS.md).
# Run by ./scripts/check after the build of $ROOT/build (TSMQTT_BUILD_DIR names another tree).
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

build="${TSMQTT_BUILD_DIR:-$ROOT/build}"
tsmqtt="$build/src/tsmqtt"
[[ -x "$tsmqtt" ]] || { echo "bench: $tsmqtt is not built; run ./scripts/check" >&2; exit 1; }
/usr/bin/python3 "$ROOT/bench/run" --quick --tsmqtt "$tsmqtt"
