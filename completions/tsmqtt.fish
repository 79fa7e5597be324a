# fish completion for tsmqtt(1). Installed as /usr/share/fish/vendor_completions.d/tsmqtt.fish.
# The option names are those of `tsmqtt <command> --help`; scripts/check.d/docs.sh fails
# when the two drift apart.

# Prints where the words before the cursor lead: the command ("" before one, "publish",
# "subscribe", "profile" or "profile ACTION"), how many positionals follow it, and how many
# values the last option still wants (publish --field N VALUE takes two).
function __tsmqtt_position
    set -l flags --help -V --version --insecure --ask-password --no-reconnect -v --verbose \
        -q --quiet --dry-run --strict --stdin --stdin-whole -r --retain --no-header --default --yes \
        --will-retain --no-clean --no-local --retain-as-published --retained-only --no-retained \
        --remove-retained
    set -l words (commandline -opc)
    set -e words[1]
    set -l command ''
    set -l action ''
    set -l positionals 0
    set -l pending 0
    for word in $words
        if test $pending -gt 0
            set pending (math $pending - 1)
            continue
        end
        if string match -qr -- '^--.+=' $word
            continue
        else if test "$word" = --field
            test "$command" = publish; and set pending 2; or set pending 1
            continue
        else if string match -qr -- '^(-[^-]|--.+)$' $word
            contains -- $word $flags; or set pending 1
            continue
        else if string match -qr -- '^-.' $word
            # -vv or -c1587079: the value, if any, is in the same word.
            continue
        end
        if test -z "$command"
            switch $word
                case pub
                    set command publish
                case sub
                    set command subscribe
                case '*'
                    set command $word
            end
        else if contains -- "$command" profile outbox; and test -z "$action"
            set action $word
        else
            set positionals (math $positionals + 1)
        end
    end
    if test -n "$action"
        echo "$command $action"
    else
        echo "$command"
    end
    echo $positionals
    echo $pending
end

# True when the command before the cursor is one of the arguments ("" for none yet).
function __tsmqtt_in
    set -l position (__tsmqtt_position)
    contains -- "$position[1]" $argv
end

# True when the cursor is on positional number $argv[2] (from 0) of command $argv[1].
function __tsmqtt_at_positional
    set -l position (__tsmqtt_position)
    test "$position[1]" = "$argv[1]" -a "$position[2]" = "$argv[2]" -a "$position[3]" = 0
end

# True when the cursor is on a positional of command $argv[1], not on an option's value.
function __tsmqtt_at_any_positional
    set -l position (__tsmqtt_position)
    test "$position[1]" = "$argv[1]" -a "$position[3]" = 0
end

# Saved profile names, read live: `profile list` prints one per line, the default one
# followed by "  (default)".
function __tsmqtt_profiles
    set -l program (commandline -opc)[1]
    command $program profile list 2>/dev/null </dev/null | string replace -r '\s.*' ''
end

complete -c tsmqtt -f

# tsmqtt
complete -c tsmqtt -n '__tsmqtt_in ""' -l help -d 'Print help and exit'
complete -c tsmqtt -n '__tsmqtt_in ""' -s V -l version -d 'Print the version and exit'
complete -c tsmqtt -n '__tsmqtt_in ""' -a publish -d 'Send a channel-feed entry, a field value, or raw MQTT'
complete -c tsmqtt -n '__tsmqtt_in ""' -a pub -d 'Alias of publish'
complete -c tsmqtt -n '__tsmqtt_in ""' -a subscribe -d 'Print channel-feed or field updates (or raw topics)'
complete -c tsmqtt -n '__tsmqtt_in ""' -a sub -d 'Alias of subscribe'
complete -c tsmqtt -n '__tsmqtt_in ""' -a watch -d 'A live chart of a channel (or raw topics) in the terminal'
complete -c tsmqtt -n '__tsmqtt_in ""' -a profile -d 'Manage saved connection profiles'
complete -c tsmqtt -n '__tsmqtt_in ""' -a outbox -d 'Show, deliver or drop the messages waiting in the outbox'

# Broker settings: publish, subscribe, profile add, profile import.
set -l settings '__tsmqtt_in publish subscribe watch "profile add" "profile import" "outbox flush"'
complete -c tsmqtt -n $settings -l url -x -a 'tcp:// mqtt:// ssl:// tls:// mqtts:// ws:// wss://' -d 'Whole endpoint: SCHEME://HOST[:PORT][/PATH]'
complete -c tsmqtt -n $settings -s h -s H -l host -x -a '(__fish_print_hostnames)' -d 'Broker host (default mqtt3.thingspeak.com)'
complete -c tsmqtt -n $settings -s p -l port -x -a '1883 8883 80 443' -d 'Broker port'
complete -c tsmqtt -n $settings -s T -l transport -x -a 'tcp tls ws wss' -d 'Transport (default tls)'
complete -c tsmqtt -n $settings -l ws-path -x -a /mqtt -d 'WebSocket path (default /mqtt)'
complete -c tsmqtt -n $settings -s i -l client-id -x -d 'MQTT client ID'
complete -c tsmqtt -n $settings -s u -l username -x -d "Username (ThingSpeak: the device's username)"
complete -c tsmqtt -n $settings -l cafile -r -F -d 'Trust anchors in a PEM file'
complete -c tsmqtt -n $settings -l capath -x -a '(__fish_complete_directories)' -d 'Folder of trusted CA certificates'
complete -c tsmqtt -n $settings -l cert -r -F -d 'Client certificate (PEM)'
complete -c tsmqtt -n $settings -l key -r -F -d 'Client private key (PEM)'
complete -c tsmqtt -n $settings -l insecure -d 'Skip certificate and host-name verification (unsafe)'
complete -c tsmqtt -n $settings -l keepalive -x -d 'Keepalive interval in seconds (default 60)'
complete -c tsmqtt -n $settings -l connect-timeout -x -d 'Connect timeout in seconds (default 10)'
complete -c tsmqtt -n $settings -l mqtt-version -x -a '3.1.1 5' -d 'MQTT protocol version (default 3.1.1)'

# Publish and subscribe.
set -l sessions '__tsmqtt_in publish subscribe watch "outbox flush"'
complete -c tsmqtt -n $sessions -l profile -x -a '(__tsmqtt_profiles)' -d 'Use a saved profile (env TSMQTT_PROFILE)'
complete -c tsmqtt -n $sessions -l no-profile -d 'Use no profile, not even the default (env TSMQTT_NO_PROFILE=1)'
complete -c tsmqtt -n $sessions -l password-file -r -F -d 'Read the password from FILE (- = stdin)'
complete -c tsmqtt -n $sessions -l ask-password -d 'Prompt for the password without echo'
complete -c tsmqtt -n $sessions -l no-reconnect -d 'Exit 3 when the connection is lost'
complete -c tsmqtt -n $sessions -s v -l verbose -d 'More diagnostics on stderr (-vv: each packet too)'
complete -c tsmqtt -n $sessions -s q -l quiet -d 'No diagnostics but errors'
complete -c tsmqtt -n $sessions -l dry-run -d 'Print what would be sent; connect to nothing'
complete -c tsmqtt -n $sessions -l help -d 'Print help and exit'

# publish
set -l publish '__tsmqtt_in publish'
complete -c tsmqtt -n '__tsmqtt_at_any_positional publish' -a 'field1= field2= field3= field4= field5= field6= field7= field8= status= lat= long= elevation= created_at=' -d 'NAME=VALUE'
complete -c tsmqtt -n $publish -s c -l channel -x -d 'ThingSpeak channel ID'
complete -c tsmqtt -n $publish -l status -x -d 'Status message of the entry'
complete -c tsmqtt -n $publish -l lat -x -d 'Latitude in degrees (-90 to 90)'
complete -c tsmqtt -n $publish -l long -x -d 'Longitude in degrees (-180 to 180)'
complete -c tsmqtt -n $publish -l elevation -x -d 'Elevation in metres'
complete -c tsmqtt -n $publish -l created-at -x -d 'ISO 8601 time of the entry'
complete -c tsmqtt -n $publish -l field -x -a '1 2 3 4 5 6 7 8' -d 'Publish one field value alone: --field N VALUE'
complete -c tsmqtt -n $publish -l write-key -x -d 'Legacy broker: channel Write API key'
complete -c tsmqtt -n $publish -l columns -x -d 'With --stdin: names of the CSV columns'
complete -c tsmqtt -n $publish -l strict -d 'With --stdin: a bad line ends the run (exit 2)'
complete -c tsmqtt -n $publish -l stdin -d 'Read one entry (with -c) or message (with --topic) per line'
complete -c tsmqtt -n $publish -l interval -x -d 'At least SECS between messages'
complete -c tsmqtt -n $publish -l flush-timeout -x -d 'Wait at most SECS at the end for queued messages'
complete -c tsmqtt -n $publish -l unsent -r -F -d 'With --stdin: write the lines read but not sent to FILE'
complete -c tsmqtt -n $publish -l outbox -d 'Keep every message on disk until the broker has it'
complete -c tsmqtt -n $publish -l outbox-file -r -F -d 'The outbox database'
complete -c tsmqtt -n $publish -l outbox-max -x -d 'At most N messages wait in the outbox'
complete -c tsmqtt -n $publish -s t -l topic -x -d 'Publish raw MQTT to TOPIC (any broker)'
complete -c tsmqtt -n $publish -s m -l message -x -d 'Message to publish (repeatable)'
complete -c tsmqtt -n $publish -s f -l file -r -F -d 'Publish the whole content of FILE as one message'
complete -c tsmqtt -n $publish -l stdin-whole -d 'Publish all of standard input as one message'
complete -c tsmqtt -n $publish -l qos -x -a '0 1 2' -d 'QoS (raw MQTT; ThingSpeak takes 0 only)'
complete -c tsmqtt -n $publish -s r -l retain -d 'Set the retain flag (raw MQTT)'
complete -c tsmqtt -n $publish -l user-property -x -d 'MQTT 5: user property KEY=VALUE (repeatable)'
complete -c tsmqtt -n $publish -l content-type -x -d 'MQTT 5: content type'
complete -c tsmqtt -n $publish -l message-expiry -x -d 'MQTT 5: drop a message not delivered within SECS'
complete -c tsmqtt -n $publish -l response-topic -x -d 'MQTT 5: response topic'
complete -c tsmqtt -n $publish -l correlation-data -x -d 'MQTT 5: correlation data'

# subscribe
set -l subscribe '__tsmqtt_in subscribe'
complete -c tsmqtt -n $subscribe -s c -l channel -x -d 'ThingSpeak channel ID (repeatable)'
complete -c tsmqtt -n $subscribe -l field -x -a '1 2 3 4 5 6 7 8 all' -d 'Field updates: N (1-8) or all (repeatable)'
complete -c tsmqtt -n $subscribe -l read-key -x -d 'Legacy broker: channel Read API key'
complete -c tsmqtt -n $subscribe -l label -x -a '1= 2= 3= 4= 5= 6= 7= 8=' -d 'Name a field in text output and the CSV header: N=NAME (repeatable)'
complete -c tsmqtt -n $subscribe -s t -l topic -x -d 'Subscribe to a raw topic filter (repeatable)'
complete -c tsmqtt -n $subscribe -l qos -x -a '0 1 2' -d 'QoS (raw MQTT)'
complete -c tsmqtt -n $subscribe -s F -l format -x -a 'text csv json payload' -d 'Output format'
complete -c tsmqtt -n $subscribe -l template -x -d 'One line per update from named fields, e.g. {topic} {payload}'
complete -c tsmqtt -n $subscribe -l max-size -x -d 'Skip a message larger than BYTES (default 16M)'
complete -c tsmqtt -n $subscribe -l color -x -a 'auto always never' -d 'Colour in text output (NO_COLOR honoured)'
complete -c tsmqtt -n $subscribe -l no-header -d 'CSV without the header row'
complete -c tsmqtt -n $subscribe -s n -l count -x -d 'Exit 0 after N updates'
complete -c tsmqtt -n $subscribe -s W -l timeout -x -d 'Exit 6 if --count was not reached within SECS'
complete -c tsmqtt -n $subscribe -l no-local -d 'MQTT 5: no messages this client published itself'
complete -c tsmqtt -n $subscribe -l retain-as-published -d 'MQTT 5: keep the retain flag as published'
complete -c tsmqtt -n $subscribe -l retain-handling -x -a '0 1 2' -d 'MQTT 5: retained messages at subscribe'
complete -c tsmqtt -n $subscribe -l retained-only -d 'Print only retained messages, exit at the first live one'
complete -c tsmqtt -n $subscribe -l no-retained -d 'Skip retained messages'
complete -c tsmqtt -n $subscribe -l remove-retained -d 'Clear every retained message received'
complete -c tsmqtt -n $subscribe -l unsubscribe -x -d 'Unsubscribe a persistent session from FILTER and exit'

# Will and persistent session: publish and subscribe
set -l will_session '__tsmqtt_in publish subscribe'
complete -c tsmqtt -n $will_session -l will-topic -x -d 'Will: published by the broker if the connection dies'
complete -c tsmqtt -n $will_session -l will-payload -x -d 'The Will\'s message'
complete -c tsmqtt -n $will_session -l will-qos -x -a '0 1 2' -d 'The Will\'s QoS'
complete -c tsmqtt -n $will_session -l will-retain -d 'The Will is a retained message'
complete -c tsmqtt -n $will_session -l no-clean -d 'Persistent session (needs a fixed -i)'
complete -c tsmqtt -n $will_session -l session-expiry -x -d 'MQTT 5: persistent session kept SECS after a disconnect'

# watch
set -l watch '__tsmqtt_in watch'
complete -c tsmqtt -n $watch -s c -l channel -x -d 'ThingSpeak channel ID (repeatable)'
complete -c tsmqtt -n $watch -l field -x -a '1 2 3 4 5 6 7 8 all' -d 'Chart field updates: N (1-8) or all (repeatable)'
complete -c tsmqtt -n $watch -l read-key -x -d 'Legacy broker: channel Read API key'
complete -c tsmqtt -n $watch -l label -x -a '1= 2= 3= 4= 5= 6= 7= 8=' -d 'Name a field\'s panel: N=NAME (repeatable)'
complete -c tsmqtt -n $watch -s t -l topic -x -d 'Chart the numeric payloads of a topic filter (repeatable)'
complete -c tsmqtt -n $watch -l qos -x -a '0 1 2' -d 'QoS (raw MQTT)'
complete -c tsmqtt -n $watch -l span -x -a '15m 1h 6h 1d' -d 'Time shown (default 1h)'
complete -c tsmqtt -n $watch -l history -r -F -d 'First load points from a CSV of subscribe --format csv'
complete -c tsmqtt -n $watch -l color -x -a 'auto always never' -d 'Colour (NO_COLOR honoured)'

# profile
complete -c tsmqtt -n '__tsmqtt_in profile "profile list" "profile show" "profile remove" "profile default"' -l help -d 'Print help and exit'
complete -c tsmqtt -n '__tsmqtt_in profile' -a list -d 'List the saved profiles'
complete -c tsmqtt -n '__tsmqtt_in profile' -a show -d 'Show a profile, secrets masked'
complete -c tsmqtt -n '__tsmqtt_in profile' -a add -d 'Add or replace a profile'
complete -c tsmqtt -n '__tsmqtt_in profile' -a import -d 'Add a profile from ThingSpeak device credentials'
complete -c tsmqtt -n '__tsmqtt_in profile' -a remove -d 'Remove a profile'
complete -c tsmqtt -n '__tsmqtt_in profile' -a default -d 'Make a profile the default'
for action in show remove default
    complete -c tsmqtt -n "__tsmqtt_at_positional 'profile $action' 0" -a '(__tsmqtt_profiles)' -d Profile
end
complete -c tsmqtt -n '__tsmqtt_at_positional "profile import" 1' -F -d 'Credentials file'

set -l values '__tsmqtt_in "profile add" "profile import"'
complete -c tsmqtt -n $values -s c -l channel -x -d 'Default ThingSpeak channel ID'
complete -c tsmqtt -n $values -l write-key -x -d 'Legacy broker: Write API key'
complete -c tsmqtt -n $values -l read-key -x -d 'Legacy broker: Read API key'
complete -c tsmqtt -n $values -l label -x -a '1= 2= 3= 4= 5= 6= 7= 8=' -d 'Field label N=NAME (repeatable)'
complete -c tsmqtt -n $values -l password-file -r -F -d 'Read the password from FILE (- = stdin)'
complete -c tsmqtt -n $values -l ask-password -d 'Prompt for the password without echo'
complete -c tsmqtt -n $values -l default -d 'Make this the default profile'
complete -c tsmqtt -n $values -l interval -x -d "publish: at least SECS between a channel's entries"
complete -c tsmqtt -n $values -l outbox -d 'publish: keep every message on disk until the broker has it'
complete -c tsmqtt -n $values -l help -d 'Print help and exit'

# outbox
complete -c tsmqtt -n '__tsmqtt_in outbox "outbox status" "outbox list" "outbox clear"' -l help -d 'Print help and exit'
complete -c tsmqtt -n '__tsmqtt_in outbox' -a status -d 'Messages waiting per broker and channel, the oldest, the file'
complete -c tsmqtt -n '__tsmqtt_in outbox' -a list -d 'List the waiting messages, oldest first'
complete -c tsmqtt -n '__tsmqtt_in outbox' -a flush -d 'Deliver what waits for the broker the connection options name'
complete -c tsmqtt -n '__tsmqtt_in outbox' -a clear -d 'Drop every waiting message (needs --yes)'
complete -c tsmqtt -n '__tsmqtt_in "outbox status" "outbox list" "outbox flush" "outbox clear"' -l outbox-file -r -F -d 'The outbox database (env TSMQTT_OUTBOX_FILE)'
complete -c tsmqtt -n '__tsmqtt_in "outbox status"' -s F -l format -x -a 'text json' -d 'Output format'
complete -c tsmqtt -n '__tsmqtt_in "outbox list"' -s F -l format -x -a 'text csv json' -d 'Output format'
complete -c tsmqtt -n '__tsmqtt_in "outbox list"' -l limit -x -d 'List at most N messages'
complete -c tsmqtt -n '__tsmqtt_in "outbox flush"' -s W -l timeout -x -d 'Give up after SECS (exit 6 if some still wait)'
complete -c tsmqtt -n '__tsmqtt_in "outbox flush"' -l interval -x -d "At least SECS between a channel's entries"
complete -c tsmqtt -n '__tsmqtt_in "outbox clear"' -l yes -d 'Confirm: the messages are dropped for good'
