#include "cli/run.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "core/error.hpp"
#include "format/formatter.hpp"

namespace tsmqtt::cli {
namespace {

void print_error(std::string_view message) {
    auto line = fmt::format("tsmqtt: {}\n", redact_output(message));
    if (is_terminal(STDERR_FILENO)) line = escape_for_terminal(line.substr(0, line.size() - 1)) + "\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"tsmqtt: publish to and subscribe from ThingSpeak channels (and any MQTT broker)", "tsmqtt"};
    app.set_version_flag("-V,--version", fmt::format("tsmqtt {}", TSMQTT_VERSION));
    app.require_subcommand(1);
    app.footer("Exit status: 0 ok, 1 failure, 2 usage, 3 network, 4 TLS, 5 refused, 6 timeout, 7 config, "
               "130/143 signal.\nSee tsmqtt(1) for examples.");
    const Runner runners[] = {set_publish_command(app), set_subscribe_command(app), set_profile_command(app)};
    const auto known = [&app](const char* name) {
        for (const auto* sub : app.get_subcommands({})) {
            if (sub->check_name(name)) return true;
        }
        return false;
    };
    if (argc > 1 && argv[1][0] != '-' && !known(argv[1])) {
        print_error(fmt::format("unknown command '{}': expected publish (pub), subscribe (sub) or profile", argv[1]));
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
    const auto subcommands = app.get_subcommands();
    const auto index = subcommands.front()->get_name() == "publish" ? 0 : subcommands.front()->get_name() == "subscribe" ? 1 : 2;
    try {
        return runners[index]();
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
