#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every reference a tracked file makes to a document is one a clone can follow: no file outside
# docs/ may name the reference notes the project was started from, which live outside the
# repository (the command-line contract, the platform notes, the ThingSpeak notes). Their
# content is in docs/cli-contract.md, docs/platform.md and docs/thingspeak.md; point there.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

cd "$ROOT"
# [.] so that this file does not name them itself.
pattern='\b(CLI|platform-notes|thingspeak-mqtt)[.]md\b'
mapfile -t files < <(git ls-files | grep -v '^docs/')
((${#files[@]} > 0)) || { echo "references: no tracked files found by git ls-files" >&2; exit 1; }
hits="$(grep -nIE "$pattern" -- "${files[@]}" 2>/dev/null || true)"
if [[ -n "$hits" ]]; then
    printf 'references: these name a document outside the repository; point at docs/ instead:\n' >&2
    printf '%s\n' "$hits" | sed 's/^/  /' >&2
    exit 1
fi
echo "references: ${#files[@]} tracked files name no document outside the repository"
