#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: builds it from a Release tree without tests ($ROOT/build-deb), holds it
# to lintian (no errors), installs it, tries the installed program, man page and completions,
# and removes it again, also when a step fails. Run by ./scripts/check.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$ROOT" || exit 1

build="$ROOT/build-deb"
say "package: build ($build)"
# The flags dpkg-buildpackage would use, hardening included.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
    build_tree "$build" -DCMAKE_BUILD_TYPE=Release -DTSMQTT_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr
rm -f "$build"/tsmqtt_*.deb
(cd "$build" && timeout 300 cpack -G DEB >/dev/null)
shopt -s nullglob
debs=("$build"/tsmqtt_*.deb)
shopt -u nullglob
((${#debs[@]} == 1)) || { echo "package: expected one tsmqtt_*.deb in $build, found ${#debs[@]}" >&2; exit 1; }
deb="${debs[0]}"
version="$(dpkg-deb -f "$deb" Version)"

say "package: lintian $(basename "$deb")"
# Errors fail the step; warnings are shown. (lintian also complains about running as root.)
report="$(timeout 600 lintian --fail-on none "$deb" 2>&1 | grep -v 'running with root privileges' || true)"
[[ -z "$report" ]] || printf '%s\n' "$report" >&2
if grep -q '^E:' <<<"$report"; then
    echo "package: lintian reports errors" >&2
    exit 1
fi
# The package ships what users expect, where Debian's tools look for it.
contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's:^\./:/:')"
for path in /usr/bin/tsmqtt /usr/share/man/man1/tsmqtt.1.gz /usr/share/doc/tsmqtt/copyright \
    /usr/share/doc/tsmqtt/changelog.Debian.gz /usr/share/bash-completion/completions/tsmqtt \
    /usr/share/zsh/vendor-completions/_tsmqtt /usr/share/fish/vendor_completions.d/tsmqtt.fish; do
    grep -qxF "$path" <<<"$contents" || { echo "package: $(basename "$deb") lacks $path" >&2; exit 1; }
done

if dpkg-query -W -f='${Status}' tsmqtt 2>/dev/null | grep -q "install ok installed"; then
    say "package: tsmqtt is already installed on this machine; not replacing it, install test skipped"
    exit 0
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "package: need root or sudo to install $deb" >&2; exit 1; }
    sudo=(sudo)
fi

installed=false
remove_package() {
    if $installed; then
        say "package: remove"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get remove -y -qq tsmqtt >/dev/null ||
            echo "package: could not remove tsmqtt; run: apt-get remove tsmqtt" >&2
    fi
}
trap remove_package EXIT

say "package: install $(basename "$deb")"
installed=true
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 \
    apt-get install -y -qq --no-install-recommends "$deb" >/dev/null

failures=0
problem() {
    printf 'package: %s\n' "$*" >&2
    failures=$((failures + 1))
}

got="$(timeout 10 /usr/bin/tsmqtt --version)" || problem "/usr/bin/tsmqtt --version failed"
[[ "$got" == "tsmqtt ${version%-*}" ]] || problem "/usr/bin/tsmqtt --version says '$got', expected 'tsmqtt ${version%-*}'"

page="$(timeout 10 man -w tsmqtt)" || true
if [[ "$page" != /usr/share/man/man1/tsmqtt.1.gz ]]; then
    problem "man -w tsmqtt found '$page', not /usr/share/man/man1/tsmqtt.1.gz" \
        "(a path-exclude in /etc/dpkg/dpkg.cfg.d/ drops man pages on minimal images)"
fi
timeout 10 man tsmqtt 2>/dev/null | grep -q "EXIT STATUS" || problem "man tsmqtt does not show the page"

# bash-completion loads the installed file on demand, as in an interactive shell.
got="$(timeout 10 bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    _completion_loader tsmqtt
    [[ "$(complete -p tsmqtt)" == "complete -F _tsmqtt tsmqtt" ]] || exit 1
    COMP_LINE="tsmqtt subscribe --format " COMP_POINT=26
    COMP_WORDS=(tsmqtt subscribe --format "") COMP_CWORD=3
    _tsmqtt tsmqtt "" --format
    printf "%s\n" "${COMPREPLY[@]}"' | sort | tr '\n' ' ')" || true
[[ "$got" == "csv json payload text " ]] || problem "installed bash completion offers [$got] for 'tsmqtt subscribe --format '"

# zsh and fish find theirs in their vendor folders.
got="$(timeout 10 zsh -f -c 'autoload -Uz compinit; compinit -u -D; print -r -- $_comps[tsmqtt]')" || true
[[ "$got" == _tsmqtt ]] || problem "zsh's compinit does not find the installed _tsmqtt (got '$got')"
# (fish --no-config would skip the set-up that adds the vendor folders; a scratch HOME keeps
# the user's own configuration out instead.)
scratch="$(mktemp -d)"
got="$(HOME="$scratch" XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" timeout 10 \
    fish -c 'complete -C "tsmqtt subscribe --format "' | cut -f1 | sort | tr '\n' ' ')" || true
rm -rf "$scratch"
[[ "$got" == "csv json payload text " ]] || problem "installed fish completion offers [$got] for 'tsmqtt subscribe --format '"

((failures == 0)) || exit 1
say "package: $(basename "$deb") builds, passes lintian, installs and works"
