// SPDX-License-Identifier: Apache-2.0
// `tsmqtt outbox status|list|flush|clear`: what waits in the outbox, delivering it now, and
// dropping it.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "cli/outbox_options.hpp"
#include "cli/session_setup.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"
#include "core/memory_outbox.hpp"
#include "core/publish.hpp"
#include "format/formatter.hpp"

namespace tsmqtt::cli {
namespace {

struct OutboxCommandArgs {
    OutboxArgs outbox;
    std::string format = "text";
    std::size_t limit = 0;  // 0: all
    bool yes = false;
    ConnectionArgs connection;  // flush
    double timeout = 0;         // flush: 0 = until everything is delivered
    double interval = 0;
    CLI::Option* interval_option = nullptr;
};

// "No --timeout": a flush lasts until everything is delivered.
constexpr std::chrono::milliseconds kNoTimeout{std::chrono::hours(24 * 365)};

std::string dump(const nlohmann::json& json) {
    // Bytes that are not UTF-8 become U+FFFD rather than an exception: the output stays JSON.
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string channel_text(const std::optional<std::uint64_t>& channel) {
    return channel ? fmt::format("  channel {}", *channel) : std::string();
}

nlohmann::json optional_channel(const std::optional<std::uint64_t>& channel) {
    return channel ? nlohmann::json(*channel) : nlohmann::json(nullptr);
}

std::string status_text(const OutboxStatus& status) {
    const auto now = WallClock::now();
    std::string out = fmt::format("file: {}\nsize: {} bytes\n{} waiting\n", status.file,
                                  status.size_bytes, status.waiting);
    for (const auto& count : status.per_destination) {
        const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - count.oldest);
        out += fmt::format("  {}{}: {} waiting, oldest {} ({} ago)\n", count.destination,
                           channel_text(count.channel), count.waiting, iso8601_utc(count.oldest),
                           describe_age(age));
    }
    return out;
}

std::string status_json(const OutboxStatus& status) {
    auto destinations = nlohmann::json::array();
    for (const auto& count : status.per_destination) {
        destinations.push_back({{"destination", count.destination},
                                {"channel", optional_channel(count.channel)},
                                {"waiting", count.waiting},
                                {"oldest", iso8601_utc(count.oldest)}});
    }
    return dump({{"file", status.file},
                 {"waiting", status.waiting},
                 {"size_bytes", status.size_bytes},
                 {"destinations", destinations}});
}

std::string message_line(const OutboxMessage& entry, Format format) {
    const auto& message = entry.message;
    switch (format) {
        case Format::json:
            return dump({{"id", entry.id},
                         {"accepted_at", iso8601_utc(entry.accepted_at)},
                         {"destination", entry.destination},
                         {"channel", optional_channel(entry.channel)},
                         {"topic", message.topic},
                         {"qos", message.qos},
                         {"retain", message.retain},
                         {"created_at", entry.created_at},
                         {"payload", message.payload}});
        case Format::csv:
            return fmt::format("{},{},{},{},{},{},{},{},{}\n", entry.id,
                               iso8601_utc(entry.accepted_at), csv_field(entry.destination),
                               entry.channel ? std::to_string(*entry.channel) : "",
                               csv_field(message.topic), message.qos, message.retain ? 1 : 0,
                               csv_field(entry.created_at), csv_field(message.payload));
        case Format::text:
        case Format::payload:  // subscribe's alone: parse_format refuses them here
        case Format::templated:
            break;
    }
    // One message per line whatever its payload holds: controls and newlines are escaped.
    return fmt::format("{}  {}  {}{}  {}  qos {}{}  {}\n", entry.id, iso8601_utc(entry.accepted_at),
                       escape_for_terminal(entry.destination), channel_text(entry.channel),
                       escape_for_terminal(message.topic), message.qos,
                       message.retain ? " retain" : "", escape_for_terminal(message.payload));
}

void write_out(const std::string& text) {
    if (!FdOutput(STDOUT_FILENO).write(text))
        fail(ExitCode::failure, "cannot write to standard output");
}

int show_status(const OutboxCommandArgs& args) {
    const auto status = open_outbox(args.outbox)->status();
    const auto format = parse_format(args.format);
    if (format == Format::csv) usage_error("outbox status --format: expected text or json");
    write_out(format == Format::json ? status_json(status) : status_text(status));
    return 0;
}

int list_messages(const OutboxCommandArgs& args) {
    const auto format = parse_format(args.format);
    const auto messages = open_outbox(args.outbox)->list(args.limit == 0 ? SIZE_MAX : args.limit);
    std::string out =
        format == Format::csv
            ? "id,accepted_at,destination,channel,topic,qos,retain,created_at,payload\n"
            : "";
    for (const auto& entry : messages) out += message_line(entry, format);
    write_out(out);
    return 0;
}

std::size_t waiting_for(const OutboxStatus& status, const std::string& destination) {
    std::size_t waiting = 0;
    for (const auto& count : status.per_destination) {
        if (count.destination == destination) waiting += count.waiting;
    }
    return waiting;
}

// Delivers what waits for the broker the connection options name, as `publish --outbox`
// would (docs/cli-contract.md, "The outbox"); the secrets come from those options alone.
int flush_messages(OutboxCommandArgs& args) {
    auto& connection = args.connection;
    const auto resolved = resolve_connection(connection, false);
    StderrDiagnostics diagnostics(connection.verbosity, connection.quiet);
    FdOutput out(STDOUT_FILENO);
    auto outbox = open_outbox(args.outbox);

    PublishPlan plan;
    plan.destination = resolved.settings.endpoint().uri();
    plan.durable = true;
    plan.reconnect = !connection.no_reconnect;
    plan.pace_raw = false;  // raw messages went unpaced when they were accepted
    plan.interval = args.interval_option->count() > 0 ? seconds_option(args.interval, "--interval")
                                                      : default_interval(resolved.settings);
    plan.flush_timeout = args.timeout > 0 ? seconds_option(args.timeout, "--timeout") : kNoTimeout;

    const auto before = outbox->status();
    const auto mine = waiting_for(before, plan.destination);
    if (before.waiting > mine) {
        diagnostics.warn(fmt::format(
            "{} more wait for other brokers (see tsmqtt outbox status): a flush delivers to "
            "the broker its connection options name",
            before.waiting - mine));
    }
    if (mine == 0) {
        diagnostics.summary(
            fmt::format("nothing waits for {} in {}", plan.destination, before.file));
        return 0;
    }

    // --dry-run: what would go, from a copy; the outbox keeps every message.
    MemoryOutbox preview;
    Outbox* source = outbox.get();
    if (connection.dry_run) {
        preview.append(outbox->next(plan.destination, 0, mine));
        source = &preview;
        plan.durable = false;
        plan.interval = {};
    }
    auto session = open_session(resolved, connection,
                                publishing_session_options(connection, resolved, diagnostics), out,
                                diagnostics, Connect::by_caller)
                       .session;
    SteadyClock clock;
    SystemCalendar calendar;
    auto& stop = stop_signal();
    PublishIo io{clock, calendar, diagnostics, stop};
    auto report = deliver_outbox(*session, *source, plan, io);
    if (connection.dry_run) report.queued = mine;
    const auto left = describe_waiting(outbox->status(), calendar.now());
    // The broker never answered: one line, exit 3, everything still waits.
    if (!report.unreachable.empty() && report.sent == 0 && !report.interrupted)
        fail(ExitCode::network, fmt::format("{}; {} in the outbox", report.unreachable, left));
    diagnostics.summary(summary_line(report, plan));
    if (report.connection_lost)
        fail(ExitCode::network, "connection to the broker lost (--no-reconnect)");
    if (report.interrupted) return to_int(exit_code_for_signal(stop.load()));
    if (report.not_sent + report.not_confirmed > 0) {
        diagnostics.warn(
            fmt::format("{} message(s) not sent", report.not_sent + report.not_confirmed));
        return to_int(ExitCode::failure);
    }
    if (report.queued > 0 && !connection.dry_run)
        fail(ExitCode::timeout, fmt::format("--timeout {} s elapsed; {}", args.timeout, left));
    return 0;
}

int clear_messages(const OutboxCommandArgs& args) {
    if (!args.yes)
        usage_error("outbox clear drops every waiting message for good: add --yes to confirm");
    auto outbox = open_outbox(args.outbox);
    const auto dropped = outbox->clear();
    StderrDiagnostics(0, false).warn(fmt::format("dropped {} waiting message{} from {}", dropped,
                                                 dropped == 1 ? "" : "s", outbox->status().file));
    return 0;
}

}  // namespace

Runner define_outbox_command(CLI::App& command) {
    auto args = std::make_shared<OutboxCommandArgs>();
    command.require_subcommand(1);
    auto* status = command.add_subcommand(
        "status", "Messages waiting per broker and channel, the oldest, the file and its size");
    status->add_option("-F,--format", args->format, "Output format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    auto* list = command.add_subcommand("list", "List the waiting messages, oldest first");
    list->add_option("-F,--format", args->format, "Output format: text, csv or json (JSON Lines)")
        ->check(CLI::IsMember({"text", "csv", "json"}));
    list->add_option("--limit", args->limit, "List at most N messages (default all)")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    auto* flush = command.add_subcommand(
        "flush", "Deliver what waits for the broker the connection options name, paced");
    flush
        ->add_option("-W,--timeout", args->timeout,
                     "Give up after SECS (exit 6 if some still wait; default: until all went)")
        ->type_name("SECS")
        ->check(CLI::NonNegativeNumber);
    args->interval_option =
        flush
            ->add_option("--interval", args->interval,
                         "At least SECS between a channel's entries (default: the profile's "
                         "interval, else 15)")
            ->type_name("SECS")
            ->check(CLI::NonNegativeNumber);
    add_connection_options(*flush, args->connection);
    auto* clear = command.add_subcommand("clear", "Drop every waiting message (needs --yes)");
    clear->add_flag("--yes", args->yes, "Confirm: the messages are dropped for good");
    for (auto* sub : {status, list, flush, clear}) add_outbox_file_option(*sub, args->outbox);

    return [=]() -> int {
        if (status->parsed()) return show_status(*args);
        if (list->parsed()) return list_messages(*args);
        if (flush->parsed()) return flush_messages(*args);
        return clear_messages(*args);
    };
}

}  // namespace tsmqtt::cli
