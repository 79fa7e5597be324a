// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "cli/commands.hpp"
#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "cli/mqtt_options.hpp"
#include "cli/outbox_options.hpp"
#include "cli/session_setup.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "core/memory_outbox.hpp"
#include "core/publish.hpp"
#include "profile/store.hpp"

namespace tsmqtt::cli {
namespace {

struct PublishArgs {
    ConnectionArgs connection;
    std::vector<std::string> assignments;              // NAME=VALUE
    std::vector<std::pair<Param, std::string>> named;  // --status, --lat, ...
    std::vector<std::string> field;                    // --field N VALUE
    std::string channel;
    std::string write_key;
    bool stdin_lines = false;
    bool stdin_whole = false;
    std::string columns;
    bool strict = false;
    double interval = 0;
    std::string topic;
    std::vector<std::string> message;
    std::string file;
    int qos = 0;
    bool retain = false;
    double flush_timeout = 60;
    std::string unsent;
    bool outbox = false;
    OutboxArgs outbox_args;
    MqttArgs mqtt;
    CLI::App* app = nullptr;
};

bool given(const PublishArgs& args, const char* name) {
    return args.app->count(name) > 0;
}

FeedParams entry_params(const PublishArgs& args) {
    FeedParams params;
    for (const auto& assignment : args.assignments) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos) {
            usage_error(
                fmt::format("'{}' is not NAME=VALUE (e.g. field1=23.5 or 2=40)", assignment));
        }
        params.set(parse_param(assignment.substr(0, eq)), assignment.substr(eq + 1));
    }
    for (const auto& [param, value] : args.named) params.set(param, value);
    return params;
}

// ThingSpeak's rules (docs/thingspeak.md, "Rules and limits"): QoS 0, no retain, MQTT 3.1.1.
void check_thingspeak_rules(const PublishArgs& args, const Settings& settings) {
    if (args.qos != 0) {
        usage_error(fmt::format(
            "--qos {}: ThingSpeak accepts QoS 0 only; use --topic to publish raw MQTT", args.qos));
    }
    if (args.retain)
        usage_error(
            "--retain: ThingSpeak refuses retained messages; use --topic to publish raw MQTT");
    if (settings.mqtt_version != MqttVersion::v311) {
        usage_error(
            "--mqtt-version 5: ThingSpeak speaks MQTT 3.1.1 only; use --topic to publish raw MQTT");
    }
}

PublishPlan thingspeak_plan(const PublishArgs& args, const Settings& settings) {
    check_thingspeak_rules(args, settings);
    if (!settings.channel) {
        usage_error(fmt::format(
            "no channel: give -c CHANNEL (or a profile with a channel), or --topic TOPIC for raw "
            "MQTT; {}",
            kFirstSteps));
    }
    const auto channel = *settings.channel;
    const bool entry_values = !args.assignments.empty() || !args.named.empty();
    if (given(args, "--message") || given(args, "--file") || args.stdin_whole) {
        usage_error(
            "-m, --file and --stdin-whole go with --topic; with -c give NAME=VALUE, --field or "
            "--stdin");
    }
    PublishPlan plan;
    plan.channel = channel.value;
    plan.interval = seconds_option(args.interval, "--interval");
    if (!args.field.empty()) {
        if (entry_values || args.stdin_lines)
            usage_error("--field N VALUE publishes one field alone; drop the other values");
        const auto field = parse_field_number(args.field[0]);
        validate_field_value(args.field[1]);
        plan.messages.push_back(
            {publish_field_topic(channel, field, settings.write_key), args.field[1]});
        return plan;
    }
    if (args.stdin_lines) {
        if (entry_values)
            usage_error(
                "--stdin reads every entry from standard input; drop the NAME=VALUE arguments");
        plan.stream = PublishPlan::Stream::entries;
        plan.stream_topic = publish_topic(channel, settings.write_key);
        plan.stamp = true;
        // ThingSpeak drops faster updates without a word: a stream is paced unless told not.
        if (!given(args, "--interval")) plan.interval = default_interval(settings);
        if (!args.columns.empty()) {
            plan.columns = parse_columns(args.columns);
            plan.header_sets_columns = false;
        }
        plan.strict = args.strict;
        return plan;
    }
    if (!entry_values) {
        usage_error(
            "nothing to publish: give values such as field1=23.5, --field N VALUE, or --stdin");
    }
    plan.messages.push_back(
        {publish_topic(channel, settings.write_key), encode_form(entry_params(args))});
    return plan;
}

PublishPlan raw_plan(const PublishArgs& args) {
    if (!args.assignments.empty() || !args.named.empty() || !args.field.empty() ||
        !args.columns.empty()) {
        usage_error("NAME=VALUE, --status, --field and --columns need -c CHANNEL, not --topic");
    }
    if (args.topic.empty() || args.topic.find_first_of("+#") != std::string::npos) {
        usage_error(fmt::format(
            "invalid --topic '{}': a publish topic is not empty and has no + or #", args.topic));
    }
    const int sources = (given(args, "--message") ? 1 : 0) + (given(args, "--file") ? 1 : 0) +
                        (args.stdin_lines ? 1 : 0) + (args.stdin_whole ? 1 : 0);
    if (sources != 1)
        usage_error(
            "with --topic give exactly one of -m MESSAGE, --file F, --stdin or --stdin-whole");
    PublishPlan plan;
    plan.qos = args.qos;
    plan.retain = args.retain;
    plan.interval = seconds_option(args.interval, "--interval");
    plan.strict = args.strict;
    if (given(args, "--message")) {
        for (const auto& message : args.message) plan.messages.push_back({args.topic, message});
    } else if (given(args, "--file")) {
        plan.messages.push_back({args.topic, read_file(args.file, "message file")});
    } else if (args.stdin_whole) {
        plan.messages.push_back({args.topic, read_all(STDIN_FILENO)});
    } else {
        plan.stream = PublishPlan::Stream::raw_lines;
        plan.stream_topic = args.topic;
    }
    return plan;
}

// --unsent FILE: what was read and not sent, one line each as read. False when it cannot be
// written (said on stderr).
bool write_unsent(const std::string& path, const PublishReport& report, Diagnostics& diagnostics) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        diagnostics.warn(
            fmt::format("cannot write --unsent file '{}': {}", path, std::strerror(errno)));
        return false;
    }
    FdOutput file(fd);
    bool ok = true;
    try {
        for (const auto& line : report.unsent_lines) ok = ok && file.write(line + "\n");
    } catch (const Error& e) {
        ok = false;
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok) diagnostics.warn(fmt::format("cannot write --unsent file '{}'", path));
    return ok;
}

int run_publish_command(PublishArgs& args) {
    auto& connection = args.connection;
    if (!args.channel.empty()) connection.values.emplace_back("channel", args.channel);
    if (!args.write_key.empty()) connection.values.emplace_back("write-key", args.write_key);
    if (args.outbox) connection.values.emplace_back("outbox", "true");
    if (!args.topic.empty() && !args.channel.empty())
        usage_error("-c CHANNEL and --topic exclude each other");
    const bool stdin_taken = args.stdin_lines || args.stdin_whole;
    const auto resolved = resolve_connection(connection, stdin_taken);
    const bool raw = given(args, "--topic");
    check_mqtt_options(args.mqtt, raw, resolved.settings);
    auto plan = raw ? raw_plan(args) : thingspeak_plan(args, resolved.settings);
    plan.properties = message_properties(args.mqtt);

    StderrDiagnostics diagnostics(connection.verbosity, connection.quiet);
    FdOutput out(STDOUT_FILENO);
    SteadyClock clock;
    FdLineSource input(STDIN_FILENO);
    auto& stop = stop_signal();

    plan.destination = resolved.settings.endpoint().uri();
    plan.reconnect = !connection.no_reconnect;
    plan.retry_first_connect = plan.stream != PublishPlan::Stream::none;
    plan.keep_unsent_lines = !args.unsent.empty();
    plan.flush_timeout = seconds_option(args.flush_timeout, "--flush-timeout");
    plan.durable = !connection.dry_run && resolved.settings.outbox;
    // Every ThingSpeak entry that goes through the outbox may wait: it carries its reading
    // time, and what waits for the channel leaves paced.
    if (plan.durable && plan.channel) {
        plan.stamp = true;
        if (!given(args, "--interval")) plan.interval = default_interval(resolved.settings);
    }
    std::unique_ptr<Outbox> outbox;
    if (plan.durable) {
        outbox = open_outbox(args.outbox_args);
    } else {
        outbox = std::make_unique<MemoryOutbox>();
    }

    auto options = publishing_session_options(connection, resolved, diagnostics);
    options.mqtt = mqtt_behaviour(args.mqtt);
    // run_publish connects, retrying the first connect of a stream.
    auto session =
        open_session(resolved, connection, options, out, diagnostics, Connect::by_caller).session;
    if (connection.dry_run) plan.interval = {};  // nothing is sent: nothing waits for a limit
    SystemCalendar calendar;
    PublishIo io{clock, calendar, diagnostics, stop, &second_signal()};
    const auto report = run_publish(
        *session, *outbox, plan, plan.stream == PublishPlan::Stream::none ? nullptr : &input, io);
    if (!raw && !connection.dry_run) {
        diagnostics.note(1,
                         "QoS 0: ThingSpeak acknowledges nothing; an update can be dropped "
                         "silently (rate limit, "
                         "disabled field, duplicate created_at): check the channel");
    }
    if (plan.stream != PublishPlan::Stream::none || report.interrupted)
        diagnostics.summary(summary_line(report, plan));
    if (plan.durable && report.queued > 0) {
        const auto why =
            report.unreachable.empty() ? std::string("not delivered yet") : report.unreachable;
        diagnostics.summary(fmt::format("{} queued in the outbox ({}); {}", report.queued, why,
                                        describe_waiting(outbox->status(), calendar.now())));
    }
    const bool unsent_written =
        args.unsent.empty() || write_unsent(args.unsent, report, diagnostics);
    if (report.connection_lost) {
        fail(ExitCode::network, "connection to the broker lost (--no-reconnect)");
    }
    if (report.interrupted) return to_int(exit_code_for_signal(stop.load()));
    const auto missing = report.not_sent + report.not_confirmed;
    if (missing > 0 || !unsent_written) {
        // A refusal of the outbox has said so in its own line.
        if (missing > 0 && !report.refused)
            diagnostics.warn(fmt::format("{} message(s) not sent", missing));
        return to_int(ExitCode::failure);
    }
    if (report.disconnect_failed) return to_int(ExitCode::failure);
    return to_int(report.skipped > 0 ? ExitCode::usage : ExitCode::ok);
}

}  // namespace

Runner define_publish_command(CLI::App& command) {
    auto args = std::make_shared<PublishArgs>();
    auto* app = &command;
    args->app = app;
    const std::string ts = "ThingSpeak";
    app->add_option("-c,--channel", args->channel, "ThingSpeak channel ID")->group(ts);
    app->add_option(
           "values", args->assignments,
           "NAME=VALUE: field1..field8 (or 1..8), status, lat, long, elevation, created_at")
        ->group(ts);
    struct Named {
        const char* flags;
        Param param;
        const char* help;
    };
    static constexpr Named kNamed[] = {
        {"--status", Param::status, "Status message of the entry"},
        {"--lat", Param::lat, "Latitude in degrees (-90 to 90)"},
        {"--long", Param::long_, "Longitude in degrees (-180 to 180)"},
        {"--elevation", Param::elevation, "Elevation in metres"},
        {"--created-at", Param::created_at,
         "ISO 8601 time of the entry, e.g. 2014-12-31T23:59:59Z"},
    };
    for (const auto& named : kNamed) {
        const auto param = named.param;
        app->add_option_function<std::string>(
               named.flags,
               [args, param](const std::string& value) { args->named.emplace_back(param, value); },
               named.help)
            ->group(ts);
    }
    app->add_option("--field", args->field, "Publish one field value alone: --field N VALUE")
        ->expected(2)
        ->group(ts);
    app->add_option("--write-key", args->write_key,
                    "Legacy broker: channel Write API key (env TSMQTT_WRITE_KEY)")
        ->group(ts);
    app->add_option(
           "--columns", args->columns,
           "With --stdin: names of the CSV columns (default field1,...,field8; - skips one)")
        ->group(ts);
    app->add_flag("--strict", args->strict,
                  "With --stdin: a bad line ends the run (exit 2) instead of being skipped")
        ->group(ts);

    const std::string input = "Input";
    app->add_flag("--stdin", args->stdin_lines,
                  "Read one entry (with -c) or one message (with --topic) per line")
        ->group(input);
    app->add_option(
           "--interval", args->interval,
           "At least SECS between messages; -c ... --stdin (and -c with --outbox): default "
           "the profile's interval, else 15; 0 turns it off")
        ->group(input);
    app->add_option("--flush-timeout", args->flush_timeout,
                    "Wait at most SECS at the end for queued messages (default 60)")
        ->group(input);
    app->add_option("--unsent", args->unsent,
                    "With --stdin: write the lines read but not sent to FILE, one each as read")
        ->type_name("FILE")
        ->group(input);
    app->add_flag("--outbox", args->outbox,
                  "Keep every message on disk until the broker has it (env TSMQTT_OUTBOX=1)")
        ->group(input);
    add_outbox_file_option(*app, args->outbox_args);
    add_outbox_max_option(*app, args->outbox_args);

    const std::string raw = "Raw MQTT";
    app->add_option("-t,--topic", args->topic, "Publish raw MQTT to TOPIC (any broker)")
        ->group(raw);
    app->add_option("-m,--message", args->message, "Message to publish (repeatable)")
        ->group(raw)
        ->allow_extra_args(false);
    app->add_option("-f,--file", args->file, "Publish the whole content of FILE as one message")
        ->group(raw);
    app->add_flag("--stdin-whole", args->stdin_whole,
                  "Publish all of standard input as one message")
        ->group(raw);
    app->add_option("--qos", args->qos, "QoS 0, 1 or 2 (raw MQTT; ThingSpeak takes 0 only)")
        ->check(CLI::Range(0, 2))
        ->group(raw);
    app->add_flag("-r,--retain", args->retain, "Set the retain flag (raw MQTT)")->group(raw);
    add_message_property_options(*app, args->mqtt);
    add_session_behaviour_options(*app, args->mqtt);
    add_connection_options(*app, args->connection);
    return [args] { return run_publish_command(*args); };
}

}  // namespace tsmqtt::cli
