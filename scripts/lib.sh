# SPDX-License-Identifier: Apache-2.0
# Shared by scripts/check, scripts/demo and bench/run: install what is missing, build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-$(nproc)}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages named in the given list files that are not installed yet.
ensure_packages() {
    local missing=() pkg
    while read -r pkg; do
        [[ -z "$pkg" || "$pkg" == \#* ]] && continue
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done < <(cat "$@")
    ((${#missing[@]} == 0)) && return 0
    say "installing ${missing[*]}"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tree DIR [cmake args...]: configure and build. The tree is configured on every run, not
# only the first, so that CI=true (-Werror) and changed flags take effect on a reused tree; when
# nothing changed that is quick. ccache, when installed, caches the compiles.
build_tree() {
    local dir="$1"
    shift
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

# mark_processes: every process started from here on carries CHECK_RUN_ID in its environment
# (not a TSMQTT_ name: the e2e harness and bench/run hand those on to nobody).
mark_processes() {
    CHECK_RUN_ID="tsmqtt-check-$$-$(date +%s%N)"
    export CHECK_RUN_ID
}

# reap_survivors: lists and kills (by PID) every process still alive that carries this run's
# CHECK_RUN_ID; returns 1 if there was any. Bash built-ins only, so the scan never finds itself.
reap_survivors() {
    local environ pid var survivors=()
    for environ in /proc/[0-9]*/environ; do
        pid="${environ#/proc/}"
        pid="${pid%/environ}"
        [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
        while IFS= read -r -d '' var; do
            if [[ "$var" == "CHECK_RUN_ID=$CHECK_RUN_ID" ]]; then
                survivors+=("$pid")
                break
            fi
        done 2>/dev/null <"$environ" || true
    done
    ((${#survivors[@]} == 0)) && return 0
    echo "check: ${#survivors[@]} process(es) it started are still running; killing them:" >&2
    ps -o pid=,comm= -p "$(IFS=,; echo "${survivors[*]}")" >&2 || true
    kill -KILL "${survivors[@]}" 2>/dev/null || true
    return 1
}
