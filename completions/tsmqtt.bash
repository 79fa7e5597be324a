# bash completion for tsmqtt(1)                              -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/tsmqtt (loaded on demand by
# bash-completion). The option names are those of `tsmqtt <command> --help`;
# scripts/check.d/docs.sh fails when the two drift apart.

# Options that take no value; every other option takes one (publish --field takes two).
_tsmqtt_flags=' --help -V --version --insecure --ask-password --no-reconnect -v --verbose '
_tsmqtt_flags+=' -q --quiet --no-profile --dry-run --strict --stdin --stdin-whole -r --retain --no-header --default --yes --outbox '
_tsmqtt_flags+=' --will-retain --no-clean --no-local --retain-as-published --retained-only --no-retained '
_tsmqtt_flags+=' --remove-retained '

_tsmqtt_connection_options='--url -h -H --host -p --port -T --transport --ws-path -i --client-id
 -u --username --cafile --capath --cert --key --insecure --keepalive --connect-timeout
 --mqtt-version'
_tsmqtt_mqtt_options='--will-topic --will-payload --will-qos --will-retain --no-clean
 --session-expiry'
_tsmqtt_session_options='--profile --no-profile --password-file --ask-password --no-reconnect
 -v --verbose -q --quiet --dry-run --help'
_tsmqtt_publish_options="-c --channel --status --lat --long --elevation --created-at --field
 --write-key --columns --strict --stdin --interval --flush-timeout --unsent --outbox
 --outbox-file --outbox-max -t --topic -m --message
 -f --file --stdin-whole --qos -r --retain --user-property --content-type --message-expiry
 --response-topic --correlation-data $_tsmqtt_mqtt_options $_tsmqtt_connection_options $_tsmqtt_session_options"
_tsmqtt_subscribe_options="-c --channel --field --read-key --label -t --topic --qos -F --format
 --template --max-size --color --no-header -n --count -W --timeout --no-local --retain-as-published
 --retain-handling --retained-only --no-retained --remove-retained --unsubscribe $_tsmqtt_mqtt_options
 $_tsmqtt_connection_options $_tsmqtt_session_options"
_tsmqtt_watch_options="-c --channel --field --read-key --label -t --topic --qos --span --history
 --color $_tsmqtt_connection_options $_tsmqtt_session_options"
_tsmqtt_profile_add_options="-c --channel --write-key --read-key --label --password-file
 --ask-password --default --help --interval --outbox $_tsmqtt_connection_options"

_tsmqtt_outbox_file_options='--outbox-file --help'

# Saved profile names, read live: `profile list` prints one per line, the default one
# followed by "  (default)".
_tsmqtt_profiles() {
    local name rest
    command "${1:-tsmqtt}" profile list 2>/dev/null </dev/null | while read -r name rest; do
        printf '%s\n' "$name"
    done
}

# Offers the words of $1 that start with the word being completed ($cur of _tsmqtt).
_tsmqtt_reply() {
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# How many words option $2 of command $1 consumes after itself.
_tsmqtt_arity() {
    case $2 in
        --*=*) echo 0 ;;
        --field) [[ $1 == publish ]] && echo 2 || echo 1 ;;
        --?*) [[ $_tsmqtt_flags == *" $2 "* ]] && echo 0 || echo 1 ;;
        -?) [[ $_tsmqtt_flags == *" $2 "* ]] && echo 0 || echo 1 ;;
        *) echo 0 ;; # -vv, -c1587079: the value, if any, is in the same word
    esac
}

_tsmqtt() {
    local cur prev words cword split
    _init_completion -s || return

    # Walk the words before the cursor: the command, the profile action, the positionals,
    # and whether the cursor sits on the value of an option.
    local command='' action='' positionals=0 option='' pending=0 arity i word
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if ((pending > 0)); then
            pending=$((pending - 1))
            continue
        fi
        if [[ $word == -?* ]]; then
            arity=$(_tsmqtt_arity "$command" "$word")
            option=$word
            pending=$arity
            continue
        fi
        if [[ -z $command ]]; then
            command=$word
            case $command in
                pub) command=publish ;;
                sub) command=subscribe ;;
            esac
        elif [[ ($command == profile || $command == outbox) && -z $action ]]; then
            action=$word
        else
            positionals=$((positionals + 1))
        fi
    done

    local value_of='' value_index=1
    if [[ $split == true ]]; then
        value_of=$prev
    elif ((pending > 0)); then
        value_of=$option
        value_index=$(($(_tsmqtt_arity "$command" "$option") - pending + 1))
    fi

    if [[ -n $value_of ]]; then
        case $value_of in
            -T | --transport) _tsmqtt_reply 'tcp tls ws wss' ;;
            -F | --format)
                if [[ $command == outbox && $action == status ]]; then
                    _tsmqtt_reply 'text json'
                elif [[ $command == subscribe ]]; then
                    _tsmqtt_reply 'text csv json payload'
                else
                    _tsmqtt_reply 'text csv json'
                fi
                ;;
            --mqtt-version) _tsmqtt_reply '3.1.1 5' ;;
            --color) _tsmqtt_reply 'auto always never' ;;
            --qos | --will-qos) _tsmqtt_reply '0 1 2' ;;
            --retain-handling) _tsmqtt_reply '0 1 2' ;;
            --field)
                if [[ $command == subscribe || $command == watch ]]; then
                    _tsmqtt_reply '1 2 3 4 5 6 7 8 all'
                elif ((value_index == 1)); then
                    _tsmqtt_reply '1 2 3 4 5 6 7 8'
                fi
                ;;
            -p | --port) _tsmqtt_reply '1883 8883 80 443' ;;
            --ws-path) _tsmqtt_reply '/mqtt' ;;
            --url)
                _tsmqtt_reply 'tcp:// mqtt:// ssl:// tls:// mqtts:// ws:// wss://'
                compopt -o nospace
                ;;
            --label)
                _tsmqtt_reply '1= 2= 3= 4= 5= 6= 7= 8='
                compopt -o nospace
                ;;
            -h | -H | --host) _known_hosts_real -- "$cur" ;;
            --span) _tsmqtt_reply '15m 1h 6h 1d' ;;
            --cafile | --cert | --key | --password-file | -f | --file | --outbox-file | --unsent | --history) _filedir ;;
            --capath) _filedir -d ;;
            --profile) _tsmqtt_reply "$(_tsmqtt_profiles "$1")" ;;
        esac
        return
    fi

    local options=''
    case $command in
        '') options='--help -V --version' ;;
        publish) options=$_tsmqtt_publish_options ;;
        subscribe) options=$_tsmqtt_subscribe_options ;;
        watch) options=$_tsmqtt_watch_options ;;
        profile)
            case $action in
                add | import) options=$_tsmqtt_profile_add_options ;;
                *) options='--help' ;;
            esac
            ;;
        outbox)
            case $action in
                status) options="-F --format $_tsmqtt_outbox_file_options" ;;
                list) options="-F --format --limit $_tsmqtt_outbox_file_options" ;;
                flush) options="-W --timeout --interval $_tsmqtt_outbox_file_options $_tsmqtt_connection_options $_tsmqtt_session_options" ;;
                clear) options="--yes $_tsmqtt_outbox_file_options" ;;
                *) options='--help' ;;
            esac
            ;;
    esac
    if [[ $cur == -* ]]; then
        _tsmqtt_reply "$options"
        return
    fi

    case $command in
        '')
            _tsmqtt_reply 'publish pub subscribe sub watch profile outbox'
            ;;
        publish)
            _tsmqtt_reply 'field1= field2= field3= field4= field5= field6= field7= field8=
                status= lat= long= elevation= created_at='
            compopt -o nospace
            ;;
        profile)
            case $action in
                '') _tsmqtt_reply 'list show add import remove default' ;;
                show | remove | default)
                    ((positionals == 0)) && _tsmqtt_reply "$(_tsmqtt_profiles "$1")"
                    ;;
                import) ((positionals == 1)) && _filedir ;;
            esac
            ;;
        outbox)
            [[ -z $action ]] && _tsmqtt_reply 'status list flush clear'
            ;;
    esac
} &&
    complete -F _tsmqtt tsmqtt
