#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keeps the manual page and the shell completions in step with the CLI itself:
#  1. every option (and subcommand) of `tsmqtt [COMMAND] --help` appears in each completion
#     file and in the man page;
#  2. the completions work in real bash, zsh and fish: each shell offers exactly the options
#     of --help for every command, the enumerated values, files and folders where a file or
#     a folder is wanted, and the profile names of a live `tsmqtt profile list`;
#  3. the man page's roff is clean (mandoc -Tlint -W warning, groff -ww).
# Run by ./scripts/check after the build of $ROOT/build (TSMQTT_BUILD_DIR names another build
# tree). Every shell runs under `timeout`.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

build="${TSMQTT_BUILD_DIR:-$ROOT/build}"
tsmqtt="$build/src/tsmqtt"
completions="$ROOT/completions"
[[ -x "$tsmqtt" ]] || { echo "docs: $tsmqtt is not built; run ./scripts/check" >&2; exit 1; }
shopt -s nullglob
man_pages=("$build"/man/*.1)
shopt -u nullglob
((${#man_pages[@]} > 0)) || { echo "docs: no man page in $build/man (is cmake/Docs.cmake included?)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The shells and tsmqtt see only what this test sets up.
mkdir -p "$work/home" "$work/files/cadir" "$work/empty"
touch "$work/files/cafile.pem"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export TSMQTT_CONFIG="$work/profiles.toml"
unset TSMQTT_PROFILE TSMQTT_PASSWORD TSMQTT_WRITE_KEY TSMQTT_READ_KEY
PATH="$(dirname "$tsmqtt"):$PATH"
export PATH

failures=0
problem() {
    printf 'docs: %s\n' "$*" >&2
    failures=$((failures + 1))
}

# --- 1. what --help says -------------------------------------------------------------------

# The commands whose options are checked: "name|words given to --help|completion line".
contexts=(
    "tsmqtt||tsmqtt -"
    "publish|publish|tsmqtt publish -"
    "pub|pub|tsmqtt pub -"
    "subscribe|subscribe|tsmqtt subscribe -"
    "sub|sub|tsmqtt sub -"
    "watch|watch|tsmqtt watch -"
    "profile|profile|tsmqtt profile -"
    "profile list|profile list|tsmqtt profile list -"
    "profile show|profile show|tsmqtt profile show NAME -"
    "profile add|profile add|tsmqtt profile add NAME -"
    "profile import|profile import|tsmqtt profile import NAME FILE -"
    "profile remove|profile remove|tsmqtt profile remove NAME -"
    "profile default|profile default|tsmqtt profile default NAME -"
    "outbox|outbox|tsmqtt outbox -"
    "outbox status|outbox status|tsmqtt outbox status -"
    "outbox list|outbox list|tsmqtt outbox list -"
    "outbox flush|outbox flush|tsmqtt outbox flush -"
    "outbox clear|outbox clear|tsmqtt outbox clear -"
)

# Option names (-x and --long) of `tsmqtt WORDS... --help`, one per line, sorted.
help_options() {
    local help
    help="$(timeout 10 "$tsmqtt" "$@" --help)" || { problem "tsmqtt $* --help failed"; return 0; }
    sed -nE 's/^ +((-[A-Za-z0-9],)*)(--[a-z0-9][a-z0-9-]*)( .*)?$/\1\3/p' <<<"$help" | tr ',' '\n' | sed '/^$/d' | sort -u
}

# Subcommand names and aliases of `tsmqtt WORDS... --help`, one per line, sorted.
help_subcommands() {
    timeout 10 "$tsmqtt" "$@" --help | sed -n '/^Subcommands:/,/^$/p' |
        sed -nE 's/^  ([a-z][a-z, ]*[a-z])  .*/\1/p' | tr ',' '\n' | tr -d ' ' | sort -u
}

for context in "${contexts[@]}"; do
    IFS='|' read -r name words _ <<<"$context"
    read -ra args <<<"$words"
    help_options "${args[@]}" >"$work/options.${name// /_}"
done
help_subcommands >"$work/commands.tsmqtt"
help_subcommands profile >"$work/commands.profile"
help_subcommands outbox >"$work/commands.outbox"

# A change in CLI11's help layout must not make every check below pass vacuously.
(($(wc -l <"$work/options.publish") >= 40)) || problem "found only $(wc -l <"$work/options.publish") options in 'tsmqtt publish --help'"
(($(wc -l <"$work/options.subscribe") >= 30)) || problem "found only $(wc -l <"$work/options.subscribe") options in 'tsmqtt subscribe --help'"
grep -qx -- --version "$work/options.tsmqtt" || problem "no --version in 'tsmqtt --help'"
[[ "$(tr '\n' ' ' <"$work/commands.tsmqtt")" == "outbox profile pub publish sub subscribe watch " ]] ||
    problem "unexpected commands in 'tsmqtt --help': $(tr '\n' ' ' <"$work/commands.tsmqtt")"
[[ "$(tr '\n' ' ' <"$work/commands.profile")" == "add default import list remove show " ]] ||
    problem "unexpected commands in 'tsmqtt profile --help': $(tr '\n' ' ' <"$work/commands.profile")"

sort -u "$work"/options.* >"$work/all-options"
sort -u "$work"/commands.* >"$work/all-commands"

# --- 1. every name in every completion file and in the man page ----------------------------

# Succeeds when FILE holds WORD as a whole word (not as part of --stdin-whole for --stdin).
has_word() {
    grep -qE -- "(^|[^A-Za-z0-9_-])${2//./\\.}([^A-Za-z0-9_-]|$)" "$1"
}

for page in "${man_pages[@]}"; do
    mandoc -Tascii "$page" | col -bx >"$work/$(basename "$page").txt"
done

for file in "$completions/tsmqtt.bash" "$completions/_tsmqtt" "$completions/tsmqtt.fish" "$work/tsmqtt.1.txt"; do
    [[ -f "$file" ]] || { problem "missing $file"; continue; }
    label="${file#"$ROOT/"}"
    [[ "$file" == "$work/tsmqtt.1.txt" ]] && label="man page tsmqtt(1)"
    missing=()
    while read -r option; do
        if [[ "$file" == *.fish ]]; then
            case "$option" in
                --*) grep -qE -- "-l ${option#--}( |$)" "$file" || missing+=("$option") ;;
                -?) grep -qE -- "-s ${option#-}( |$)" "$file" || missing+=("$option") ;;
            esac
        else
            has_word "$file" "$option" || missing+=("$option")
        fi
    done <"$work/all-options"
    while read -r command; do
        has_word "$file" "$command" || missing+=("$command")
    done <"$work/all-commands"
    ((${#missing[@]} == 0)) || problem "$label lacks: ${missing[*]}"
done

# Every environment variable the sources read is in the man page's ENVIRONMENT section.
environment="$(sed -n '/^ENVIRONMENT$/,/^[A-Z][A-Z ]*$/p' "$work/tsmqtt.1.txt" | sed '1d;$d')"
[[ -n "$environment" ]] || problem "man page tsmqtt(1) has no ENVIRONMENT section"
missing=()
while read -r variable; do
    grep -qE -- "(^|[^A-Z0-9_])$variable([^A-Z0-9_]|$)" <<<"$environment" || missing+=("$variable")
done < <({ grep -rhoE '"TSMQTT_[A-Z0-9_]+"' "$ROOT/src" | tr -d '"'; printf '%s\n' NO_COLOR XDG_CONFIG_HOME; } | sort -u)
((${#missing[@]} == 0)) || problem "the ENVIRONMENT section of tsmqtt(1) lacks: ${missing[*]}"

# --- 2. the completions in real shells ------------------------------------------------------

# Each *_complete prints the candidates the shell offers for LINE (cursor at its end), one per
# line, in the current directory.
bash_complete() {
    timeout 10 bash --norc --noprofile -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"
        compopt() { :; }  # only works inside a real completion
        COMP_LINE=$2
        COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _tsmqtt tsmqtt "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' bash "$completions/tsmqtt.bash" "$1"
}

fish_complete() {
    timeout 10 fish --no-config -c '
        set -g fish_complete_path $argv[3]
        source $argv[1]
        complete -C $argv[2]' "$completions/tsmqtt.fish" "$1" "$work/empty" | cut -f1
}

# zsh completes only inside its line editor: drive an interactive `zsh -f` on a pseudo
# terminal (zpty), with compinit and the completions folder first in fpath, type the line and
# a TAB, and have an overridden compadd print every candidate it really adds (a compadd that
# added nothing would send _files on to its fallbacks). The markers are split in the typed
# text so that the terminal's echo of it never matches.
cat >"$work/complete.zsh" <<'EOF'
zmodload zsh/zpty || exit 3
zpty shell zsh -f -i || exit 3
zpty -w shell "PS1= RPS1=; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w shell 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; local hit
  builtin compadd -A hits "$@"
  builtin compadd "$@"
  for hit in $hits; do print -r -- "<<CAND""IDATE>>$hit"; done
}'
zpty -w shell 'tsmqtt_done() { print -r -- "<<COMPLE""TED>>"; exit }; comppostfuncs=(tsmqtt_done)'
zpty -w shell 'bindkey "^I" complete-word'
zpty -n -w shell "$2"$'\t'
zpty -r shell output '*<<COMPLETED>>*' || exit 4
zpty -d shell
print -r -- "${output//$'\r'/}" | sed 's/<<CANDIDATE>>/\n&/g' | sed -n 's/^<<CANDIDATE>>//p'
EOF
zsh_complete() {
    timeout 20 zsh -f "$work/complete.zsh" "$completions" "$1"
}

# Normalised candidate list: one per line, sorted, unique, without the "/" after a folder or
# the "=" after NAME (zsh adds those as suffixes, bash and fish as part of the candidate).
candidates() {
    local shell="$1" line="$2" output
    if ! output="$("${shell}_complete" "$line")"; then
        problem "$shell: completing '$line' failed or timed out"
        return 0
    fi
    sed -e 's:[/=]$::' -e '/^$/d' <<<"$output" | sort -u
}

# expect_exactly SHELL LINE CANDIDATE...: the shell offers these candidates and no others.
expect_exactly() {
    local shell="$1" line="$2"
    shift 2
    local got want
    got="$(candidates "$shell" "$line" | tr '\n' ' ')"
    want=""
    (($# == 0)) || want="$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
    [[ "$got" == "$want" ]] || problem "$shell: '$line' offers [${got% }], expected [${want% }]"
}

# expect_some SHELL LINE CANDIDATE...: the shell offers at least these candidates.
expect_some() {
    local shell="$1" line="$2" candidate got
    shift 2
    got="$(candidates "$shell" "$line")"
    for candidate in "$@"; do
        grep -qxF -- "$candidate" <<<"$got" || problem "$shell: '$line' does not offer '$candidate' (offers: $(tr '\n' ' ' <<<"$got"))"
    done
}

# A live profile store: names come from `tsmqtt profile list`, where alpha is "alpha  (default)".
timeout 10 tsmqtt profile add alpha --host h 2>/dev/null || problem "tsmqtt profile add alpha failed"
timeout 10 tsmqtt profile add beta --host h 2>/dev/null || problem "tsmqtt profile add beta failed"
[[ "$(timeout 10 tsmqtt profile list)" == "alpha  (default)"$'\n'"beta" ]] ||
    problem "unexpected 'tsmqtt profile list' output: $(timeout 10 tsmqtt profile list | tr '\n' '|')"

for shell in bash zsh fish; do
    command -v "$shell" >/dev/null || { problem "$shell is not installed"; continue; }
    say "docs: $shell completions"

    # Every option of --help, and nothing else, for every command.
    for context in "${contexts[@]}"; do
        IFS='|' read -r name _ line <<<"$context"
        mapfile -t options <"$work/options.${name// /_}"
        expect_exactly "$shell" "$line" "${options[@]}"
    done
    mapfile -t commands <"$work/commands.tsmqtt"
    expect_exactly "$shell" "tsmqtt " "${commands[@]}"
    mapfile -t commands <"$work/commands.profile"
    expect_exactly "$shell" "tsmqtt profile " "${commands[@]}"
    mapfile -t commands <"$work/commands.outbox"
    expect_exactly "$shell" "tsmqtt outbox " "${commands[@]}"
    expect_exactly "$shell" "tsmqtt outbox status --format " text json
    expect_exactly "$shell" "tsmqtt outbox list -F " text csv json

    expect_exactly "$shell" "tsmqtt su" subscribe sub
    expect_exactly "$shell" "tsmqtt publish --tra" --transport
    expect_exactly "$shell" "tsmqtt subscribe --no-h" --no-header
    expect_exactly "$shell" "tsmqtt publish --stdin" --stdin --stdin-whole
    expect_exactly "$shell" "tsmqtt subscribe --format " text csv json payload
    expect_exactly "$shell" "tsmqtt sub -F " text csv json payload
    expect_exactly "$shell" "tsmqtt publish --transport " tcp tls ws wss
    expect_exactly "$shell" "tsmqtt profile add x -T " tcp tls ws wss
    expect_exactly "$shell" "tsmqtt subscribe --mqtt-version " 3.1.1 5
    expect_exactly "$shell" "tsmqtt subscribe --color " auto always never
    expect_exactly "$shell" "tsmqtt subscribe --field " 1 2 3 4 5 6 7 8 all
    expect_exactly "$shell" "tsmqtt publish --field " 1 2 3 4 5 6 7 8
    expect_exactly "$shell" "tsmqtt publish --qos " 0 1 2
    expect_exactly "$shell" "tsmqtt subscribe --qos " 0 1 2
    expect_exactly "$shell" "tsmqtt publish -c 1 --status x --field 2 " # the field's value: free text
    # NAME=VALUE arguments, also after flags (which take no value) and options (which take one).
    expect_exactly "$shell" "tsmqtt publish -c 1 --verbose --dry-run -q --stdin-whole fi" field{1..8}
    expect_exactly "$shell" "tsmqtt pub --lat 10 --field 1 2 e" elevation
    expect_exactly "$shell" "tsmqtt subscribe --label " {1..8}
    expect_exactly "$shell" "tsmqtt profile add x --label " {1..8}

    # Profile names, read live; "(default)" is not a name.
    expect_exactly "$shell" "tsmqtt profile show " alpha beta
    expect_exactly "$shell" "tsmqtt profile remove b" beta
    expect_exactly "$shell" "tsmqtt profile default " alpha beta
    expect_exactly "$shell" "tsmqtt subscribe -c 1 --profile " alpha beta
    expect_exactly "$shell" "tsmqtt pub --profile a" alpha

    # Files where a file is wanted, folders only where a folder is.
    (
        start=$failures
        cd "$work/files"
        for option in --cafile --cert --key --password-file --file; do
            expect_some "$shell" "tsmqtt publish $option ca" cafile.pem
        done
        expect_some "$shell" "tsmqtt profile add x --password-file ca" cafile.pem
        expect_some "$shell" "tsmqtt profile import x ca" cafile.pem
        expect_some "$shell" "tsmqtt outbox list --outbox-file ca" cafile.pem
        expect_exactly "$shell" "tsmqtt subscribe --capath ca" cadir
        exit $((failures - start))
    ) || failures=$((failures + $?))
done

# --- 3. clean roff --------------------------------------------------------------------------

for page in "${man_pages[@]}"; do
    lint="$(mandoc -Tlint -W warning "$page" 2>&1)" || true
    [[ -z "$lint" ]] || problem "mandoc -Tlint -W warning $(basename "$page"):"$'\n'"$lint"
    # lintian runs groff too, and reports what it says as warnings.
    lint="$(groff -ww -z -t -man "$page" 2>&1)" || true
    [[ -z "$lint" ]] || problem "groff -ww $(basename "$page"):"$'\n'"$lint"
done

if ((failures > 0)); then
    echo "docs: $failures problem(s)" >&2
    exit 1
fi
say "docs: help, completions and man page agree"
