// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "cli/commands.hpp"
#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "cli/mqtt_options.hpp"
#include "cli/session_setup.hpp"
#include "cli/subscription.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "core/subscribe.hpp"
#include "format/formatter.hpp"
#include "format/formatting_sink.hpp"

namespace tsmqtt::cli {
namespace {

struct SubscribeArgs {
    ConnectionArgs connection;
    SubscriptionArgs subscription;
    std::optional<std::string> format;  // text when not given
    std::optional<std::string> template_text;
    std::optional<std::size_t> max_size;
    std::optional<std::size_t> count;
    std::optional<double> timeout;
    bool no_header = false;
    MqttArgs mqtt;
};

SubscribePlan make_plan(const SubscribeArgs& args, const Settings& settings) {
    auto plan = plan_subscription(args.subscription, settings);
    if (args.max_size) {
        if (*args.max_size == 0) usage_error("invalid --max-size 0: expected at least 1 byte");
        plan.max_size = *args.max_size;
    }
    plan.count = args.count;
    plan.retained_only = args.mqtt.retained_only;
    plan.no_retained = args.mqtt.no_retained;
    plan.remove_retained = args.mqtt.remove_retained;
    if (args.timeout) plan.timeout = seconds_option(*args.timeout, "--timeout");
    return plan;
}

int run_subscribe_command(SubscribeArgs& args) {
    auto& connection = args.connection;
    add_subscription_settings(args.subscription, connection);
    const auto started = std::chrono::steady_clock::now();
    const auto resolved = resolve_connection(connection, false);
    const auto& subscription = args.subscription;
    const bool unsubscribing = !args.mqtt.unsubscribe.empty();
    check_mqtt_options(
        args.mqtt, !subscription.topics.empty() || (unsubscribing && subscription.channels.empty()),
        resolved.settings);
    if (unsubscribing && !subscription.topics.empty())
        usage_error("--unsubscribe FILTER unsubscribes and exits: drop --topic");
    const auto plan = unsubscribing ? SubscribePlan{} : make_plan(args, resolved.settings);

    FormatOptions format;
    format.format = parse_format(args.format.value_or("text"), true);
    if (args.template_text) {
        if (args.format)
            usage_error("--template and --format both say how to print updates; choose one");
        format.format = Format::templated;
        format.template_text = *args.template_text;
    }
    format.header = !args.no_header;
    format.color = format.format == Format::text && want_color(args.subscription);
    format.escape_controls = is_terminal(STDOUT_FILENO);
    format.labels = resolved.settings.labels;
    const auto formatter = make_formatter(format);

    StderrDiagnostics diagnostics(connection.verbosity, connection.quiet);
    FdOutput out(STDOUT_FILENO);
    SteadyClock clock;
    SystemCalendar wall_clock;
    auto& stop = stop_signal();
    SessionOptions options;
    options.send_while_disconnected = false;
    options.max_message_size = plan.max_size;
    options.mqtt = mqtt_behaviour(args.mqtt);
    // --timeout covers the whole run: the connect and the SUBACK too.
    if (plan.timeout) options.give_up_at = started + *plan.timeout;
    auto opened = open_session(resolved, connection, options, out, diagnostics);
    auto& session = *opened.session;
    if (unsubscribing) {
        session.unsubscribe(args.mqtt.unsubscribe);
        session.disconnect();
        for (const auto& filter : args.mqtt.unsubscribe)
            diagnostics.note(1, fmt::format("unsubscribed from {}", filter));
        return to_int(ExitCode::ok);
    }
    subscribe_to(session, plan, diagnostics);
    if (opened.dry_run) return to_int(ExitCode::ok);
    for (const auto& filter : plan.filters)
        diagnostics.note(1, fmt::format("subscribed to {}", filter));
    auto subscribe_plan = plan;
    if (plan.timeout) {
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        subscribe_plan.timeout = std::max(*plan.timeout - spent, std::chrono::milliseconds(0));
    }
    subscribe_plan.reconnect = !connection.no_reconnect;
    subscribe_plan.client_id = resolved.client_id;
    subscribe_plan.topic_secret = resolved.settings.read_key;
    FormattingSink sink(*formatter, out);
    const auto code =
        run_subscribe(session, subscribe_plan, sink, clock, wall_clock, diagnostics, stop);
    session.disconnect();
    if (stop.load() != 0) return to_int(exit_code_for_signal(stop.load()));
    if (code == ExitCode::timeout) diagnostics.note(1, "--timeout elapsed");
    return to_int(code);
}

}  // namespace

Runner define_subscribe_command(CLI::App& command) {
    auto args = std::make_shared<SubscribeArgs>();
    auto* app = &command;
    add_subscription_options(
        *app, args->subscription,
        {.field = "Field updates: N (1-8) or all (repeatable)",
         .label = "Name a field in text output and the CSV header: N=NAME (repeatable)",
         .topic = "Subscribe to a raw topic filter, wildcards allowed (repeatable)",
         .color = "Colour in text output: auto, always or never (NO_COLOR honoured)",
         .color_group = "Output"});
    const std::string output = "Output";
    app->add_option("-F,--format", args->format,
                    "Output format: text, csv, json (JSON Lines) or payload (the payload alone)")
        ->group(output);
    app->add_option("--template", args->template_text,
                    "One line per update from named fields, e.g. '{topic} {payload}' (see "
                    "tsmqtt(1))")
        ->group(output);
    app->add_flag("--no-header", args->no_header, "CSV without the header row")->group(output);
    app->add_option("-n,--count", args->count, "Exit 0 after N updates")
        ->check(zero_or_more())
        ->group(output);
    app->add_option("--max-size", args->max_size,
                    "Skip (and report) a message larger than BYTES (K, M, G: KiB, MiB, GiB; "
                    "default 16M)")
        ->transform(CLI::AsSizeValue(false))
        ->group(output);
    app->add_option(
           "-W,--timeout", args->timeout,
           "Exit 6 if --count was not reached within SECS (the connect and SUBACK included)")
        ->group(output);
    add_subscription_behaviour_options(*app, args->mqtt);
    add_session_behaviour_options(*app, args->mqtt);
    add_connection_options(*app, args->connection);
    return [args] { return run_subscribe_command(*args); };
}

}  // namespace tsmqtt::cli
