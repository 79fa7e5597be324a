#include "cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "core/error.hpp"
#include "format/formatter.hpp"

namespace tsmqtt::cli {
namespace {

void print_error(std::string_view message) {
    auto line = fmt::format("tsmqtt: {}\n", redact_output(message));
    if (is_terminal(STDERR_FILENO))
        line = escape_for_terminal(line.substr(0, line.size() - 1)) + "\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

struct Command {
    const char* name;
    const char* alias;  // nullptr: none
    const char* summary;
    Runner (*define)(CLI::App& command);
};

// In the order --help lists them.
constexpr Command kCommands[] = {
    {"publish", "pub", "Send a channel-feed entry, a field value, or raw MQTT messages",
     define_publish_command},
    {"subscribe", "sub", "Print channel-feed or field updates (or raw topics) as text, CSV or JSON",
     define_subscribe_command},
    {"profile", nullptr, "Manage saved connection profiles (credentials, broker, channel)",
     define_profile_command},
    {"outbox", nullptr, "Show, deliver or drop the messages waiting in the outbox",
     define_outbox_command},
};

bool names(const Command& command, std::string_view word) {
    return word == command.name || (command.alias != nullptr && word == command.alias);
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"tsmqtt: publish to and subscribe from ThingSpeak channels (and any MQTT broker)",
                 "tsmqtt"};
    app.set_version_flag("-V,--version", fmt::format("tsmqtt {}", TSMQTT_VERSION));
    app.require_subcommand(1);
    app.footer(
        "Exit status: 0 ok, 1 failure, 2 usage, 3 network, 4 TLS, 5 refused, 6 timeout, 7 config, "
        "130/143 signal.\nSee tsmqtt(1) for examples.");
    // Only a command named in the arguments gets its options: defining all three cost a
    // third of a one-shot publish's CPU time (bench/RESULTS.md). The others are listed in
    // --help by name and summary, which is all a command not named can be asked for.
    const std::vector<std::string_view> words(argv + 1, argv + argc);
    std::vector<std::pair<const CLI::App*, Runner>> defined;
    for (const auto& command : kCommands) {
        auto* sub = app.add_subcommand(command.name, command.summary);
        if (command.alias != nullptr) sub->alias(command.alias);
        if (std::any_of(words.begin(), words.end(),
                        [&](std::string_view word) { return names(command, word); })) {
            defined.emplace_back(sub, command.define(*sub));
        }
    }
    if (!words.empty() && !words.front().starts_with('-') &&
        std::none_of(std::begin(kCommands), std::end(kCommands),
                     [&](const Command& command) { return names(command, words.front()); })) {
        print_error(fmt::format(
            "unknown command '{}': expected publish (pub), subscribe (sub) or profile", argv[1]));
        return to_int(ExitCode::usage);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(fmt::format("{} (see tsmqtt --help)", e.what()));
        return to_int(ExitCode::usage);
    }
    install_signal_handlers();
    // CLI11 dispatches only to a command named among the arguments: one that has its options.
    const auto chosen = std::find_if(defined.begin(), defined.end(),
                                     [](const auto& entry) { return entry.first->parsed(); });
    if (chosen == defined.end()) {
        print_error("a command is required: publish (pub), subscribe (sub) or profile");
        return to_int(ExitCode::usage);
    }
    try {
        return chosen->second();
    } catch (const Error& e) {
        print_error(e.what());
        // A signal that cut a wait short: report it as the signal, 130 or 143.
        if (e.code() == ExitCode::interrupted && stop_signal().load() != 0) {
            return to_int(exit_code_for_signal(stop_signal().load()));
        }
        return to_int(e.code());
    } catch (const std::exception& e) {
        print_error(fmt::format("unexpected error: {}", e.what()));
        return to_int(ExitCode::failure);
    }
}

}  // namespace tsmqtt::cli
