#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The C++ sources follow the checked-in .clang-format (Debian 12's clang-format 14): a file out
# of format fails the check and is named, with `clang-format -i FILE` as the fix.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

cd "$ROOT"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
((${#sources[@]} > 0)) || { echo "format: no C++ sources found by git ls-files" >&2; exit 1; }
unformatted=()
for file in "${sources[@]}"; do
    clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if ((${#unformatted[@]} > 0)); then
    printf 'format: not as .clang-format says (fix: clang-format -i FILE):\n' >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "format: ${#sources[@]} files as .clang-format says"
