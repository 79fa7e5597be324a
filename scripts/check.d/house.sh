#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# House rules a reviewer should not have to check by eye: every source file and script carries
# the licence's SPDX line near its top (tsmqtt is Apache-2.0, see LICENSE), and no code file is
# over 600 lines (split a file by job before it gets there). Documentation (.md, .scd) and test
# data are left aside.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

cd "$ROOT"
tag='SPDX-License-Identifier: Apache-2.0'
limit=600
missing=() long=() checked=0
while IFS= read -r f; do
    case "$f" in
    tests/fuzz/corpus/* | tests/fuzz/regressions/* | tests/corpus/*) continue ;;
    *.cpp | *.hpp | *.py | *.sh | CMakeLists.txt | */CMakeLists.txt | *.cmake) ;;
    *) [[ "$(head -c 2 "$f")" == '#!' ]] || continue ;;
    esac
    checked=$((checked + 1))
    head -n 3 "$f" | grep -qF "$tag" || missing+=("$f")
    lines=$(wc -l <"$f")
    ((lines <= limit)) || long+=("$f ($lines lines)")
done < <(git ls-files)
status=0
if ((${#missing[@]} > 0)); then
    printf 'house: these lack "%s" in their first three lines:\n' "$tag" >&2
    printf '  %s\n' "${missing[@]}" >&2
    status=1
fi
if ((${#long[@]} > 0)); then
    printf 'house: these are over %d lines; split them by job:\n' "$limit" >&2
    printf '  %s\n' "${long[@]}" >&2
    status=1
fi
((status == 0)) && echo "house: $checked files carry the SPDX line and are at most $limit lines"
exit $status
