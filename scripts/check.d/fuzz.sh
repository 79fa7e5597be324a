#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan), replays the
# reproducers in tests/fuzz/regressions/<target>/, then fuzzes each target for FUZZ_SECONDS
# (default 30) on a temporary copy of its seed corpus, FUZZ_JOBS (default: all CPUs) at a
# time. Fails when any target crashes; the crashing inputs are kept in build-fuzz/artifacts/.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
FUZZ_JOBS="${FUZZ_JOBS:-$(nproc)}"
FUZZ="$ROOT/tests/fuzz"
BUILD="$ROOT/build-fuzz"
ARTIFACTS="$BUILD/artifacts"
targets=(endpoint payload input_line feed_entry credentials formatters)
shopt -s nullglob

ensure_packages <(printf '%s\n' clang libclang-rt-14-dev)
werror=OFF
[[ -n "${CI:-}" ]] && werror=ON
say "build (clang, libFuzzer + ASan + UBSan)"
# The project is C++ only; CC is set for any C a dependency may bring.
CC=clang CXX=clang++ build_tree "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DTSMQTT_FUZZ=ON -DTSMQTT_SANITIZE=ON -DTSMQTT_BUILD_TESTS=OFF -DTSMQTT_WERROR=$werror

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$ARTIFACTS"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# fuzz_target NAME: writes "execs" or "crash" to $work/NAME.result and its output to NAME.log.
fuzz_target() {
    local name="$1"
    local program="$BUILD/tests/fuzz/fuzz_$name"
    local log="$work/$name.log"
    local options=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$ARTIFACTS/$name-")
    [[ -f "$FUZZ/dict/$name.dict" ]] && options+=(-dict="$FUZZ/dict/$name.dict")

    local regressions=()
    [[ -d "$FUZZ/regressions/$name" ]] && regressions=("$FUZZ/regressions/$name"/*)
    if ((${#regressions[@]} > 0)) && ! "$program" "${options[@]}" "${regressions[@]}" >"$log" 2>&1; then
        echo "crash (regression)" >"$work/$name.result"
        return
    fi

    cp -R "$FUZZ/corpus/$name" "$work/corpus-$name"
    if "$program" "${options[@]}" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        "$work/corpus-$name" >>"$log" 2>&1; then
        sed -n 's/^stat::number_of_executed_units: *//p' "$log" >"$work/$name.result"
    else
        echo "crash" >"$work/$name.result"
    fi
}

say "fuzz ${#targets[@]} targets for ${FUZZ_SECONDS}s each, $FUZZ_JOBS at a time"
for name in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= FUZZ_JOBS)); do wait -n; done
    fuzz_target "$name" &
done
wait

failed=()
for name in "${targets[@]}"; do
    result="$(cat "$work/$name.result" 2>/dev/null || echo "no result")"
    if [[ "$result" =~ ^[0-9]+$ ]]; then
        printf 'fuzz_%-12s %12s executions, no crash\n' "$name" "$result"
    else
        printf 'fuzz_%-12s %s\n' "$name" "$result"
        failed+=("$name")
        # The report from the broken invariant, sanitizer or exception on, without progress lines.
        grep -v -E '^#[0-9]+' "$work/$name.log" |
            sed -n '/invariant broken\|ERROR:\|runtime error\|terminate called/,$p' | head -n 30 >&2
    fi
done
if ((${#failed[@]} > 0)); then
    echo "fuzzing found crashes in: ${failed[*]}; the inputs are in $ARTIFACTS" >&2
    exit 1
fi
