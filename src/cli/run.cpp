// SPDX-License-Identifier: Apache-2.0
#include "cli/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "core/error.hpp"
#include "core/nearest.hpp"
#include "core/quote.hpp"
#include "format/formatter.hpp"

namespace tsmqtt::cli {
namespace {

void print_error(std::string_view message) {
    auto line = fmt::format("tsmqtt: {}\n", bounded(redact_output(message), kMaxDiagnosticBytes));
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
    {"watch", nullptr, "A live chart of a channel (or raw topics) in the terminal",
     define_watch_command},
};

bool names(const Command& command, std::string_view word) {
    return word == command.name || (command.alias != nullptr && word == command.alias);
}

const CLI::App* find_command(const CLI::App& app, std::string_view word) {
    const auto found = app.get_subcommands(
        [&](const CLI::App* sub) { return sub->check_name(std::string(word)); });
    return found.empty() ? nullptr : found.front();
}

// -q and -v belong to a command, but mosquitto habits (and the README's cron line) put them
// first: `tsmqtt -q publish ...` is read as `tsmqtt publish -q ...`.
bool is_diagnostics_flag(std::string_view word) {
    if (word == "--quiet" || word == "--verbose") return true;
    return word.size() > 1 && word[0] == '-' &&
           word.find_first_not_of("qv", 1) == std::string_view::npos;
}

// argv with the diagnostics flags before the command moved after it, when the command takes
// them; otherwise argv as it was.
std::vector<char*> with_diagnostics_after_command(int argc, char** argv, const CLI::App& app) {
    std::vector<char*> args(argv, argv + argc);
    auto first = args.begin() + 1;
    const auto command = std::find_if_not(
        first, args.end(), [](const char* word) { return is_diagnostics_flag(word); });
    if (command == first || command == args.end()) return args;
    const auto* sub = find_command(app, *command);
    if (sub == nullptr || sub->get_option_no_throw("-q") == nullptr) return args;
    std::rotate(first, command, command + 1);
    return args;
}

// The subcommand named on the command line, if any: for its own --help in a usage error.
const CLI::App* named_command(const CLI::App& app, const std::vector<std::string_view>& words) {
    for (const auto& word : words) {
        if (const auto* sub = find_command(app, word)) return sub;
    }
    return nullptr;
}

std::string help_of(const CLI::App& app, const std::vector<std::string_view>& words) {
    const auto* command = named_command(app, words);
    return command == nullptr ? std::string("tsmqtt --help")
                              : fmt::format("tsmqtt {} --help", command->get_name());
}

// -h is the host, as in mosquitto_pub/sub; a -h with no host after it (CLI11 would take the
// next option for one) was meant as help.
std::optional<std::string> bare_h_message(const CLI::App& app,
                                          const std::vector<std::string_view>& words) {
    const auto bare_h = std::find(words.begin(), words.end(), "-h");
    if (bare_h == words.end() || (bare_h + 1 != words.end() && !(bare_h + 1)->starts_with('-')))
        return std::nullopt;
    return fmt::format(
        "-h needs a HOST (-h is the broker host, as in mosquitto_pub); for help, "
        "use --help (see {})",
        help_of(app, words));
}

// A usage error, with the nearest valid option for an unknown one and the help to read.
std::string usage_message(const CLI::ParseError& error, const CLI::App& app,
                          const std::vector<std::string_view>& words) {
    const auto* command = named_command(app, words);
    const auto help = help_of(app, words);
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto& scope = command == nullptr ? app : *command;
        std::vector<std::string> known;
        for (const auto* option : scope.get_options()) {
            for (const auto& name : option->get_lnames()) known.push_back("--" + name);
        }
        for (const auto& extra : app.remaining(true)) {
            if (!extra.starts_with("--")) continue;
            const auto typed = extra.substr(0, extra.find('='));
            if (const auto nearest = nearest_word(typed, known)) {
                return fmt::format("unknown option {}: did you mean {}? (see {})", typed, *nearest,
                                   help);
            }
        }
    }
    return fmt::format("{} (see {})", error.what(), help);
}

// CLI11 writes --help and --version to std::cout; a failed write is a failure (exit 1), as it
// is for any other output.
int exit_after_output(const CLI::App& app, const CLI::ParseError& request) {
    const int code = app.exit(request);
    std::cout.flush();
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout) {
        // errno still holds the cause of the write that failed first.
        print_error(fmt::format("cannot write to standard output: {}", std::strerror(errno)));
        return to_int(ExitCode::failure);
    }
    return code;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"tsmqtt: publish to and subscribe from ThingSpeak channels (and any MQTT broker)",
                 "tsmqtt"};
    // -h is left to the commands' --host; subcommands inherit this help flag.
    app.set_help_flag("--help", "Print this help message and exit");
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
    if (words.empty()) {
        print_error(
            fmt::format("no command given; {}, then run tsmqtt publish or tsmqtt "
                        "subscribe (see tsmqtt --help)",
                        kFirstSteps));
        return to_int(ExitCode::usage);
    }
    if (const auto message = bare_h_message(app, words)) {
        print_error(*message);
        return to_int(ExitCode::usage);
    }
    auto args = with_diagnostics_after_command(argc, argv, app);
    try {
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::CallForHelp& e) {
        return exit_after_output(app, e);
    } catch (const CLI::CallForAllHelp& e) {
        return exit_after_output(app, e);
    } catch (const CLI::CallForVersion& e) {
        return exit_after_output(app, e);
    } catch (const CLI::ParseError& e) {
        print_error(usage_message(e, app, words));
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
