// SPDX-License-Identifier: Apache-2.0
// tsmqtt watch: the subscribe loop on a thread of its own, feeding a model that the screen
// shows; the main thread waits for keys, resizes and updates and paints at most a few times a
// second.
#include <fcntl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "cli/session_setup.hpp"
#include "cli/subscription.hpp"
#include "core/error.hpp"
#include "core/subscribe.hpp"
#include "terminal/terminal.hpp"
#include "watch/history.hpp"
#include "watch/render.hpp"

namespace tsmqtt::cli {
namespace {

using namespace std::chrono_literals;
using watch::WatchModel;

// However fast messages come, the screen is painted at most this often; with nothing
// arriving, once a second (the header's "last 3s ago").
constexpr auto kPaintInterval = 333ms;
constexpr auto kIdleInterval = 1000ms;
// How long a message may wait before the subscribe loop takes it into the model: well within a
// paint, and it spares the loop a wake-up per message (about five messages a batch at 100/s).
constexpr auto kPatience = 50ms;

struct WatchArgs {
    ConnectionArgs connection;
    SubscriptionArgs subscription;
    std::string span = "1h";
    std::string history;
};

// What the subscribe thread and the screen share: the model under a lock, and a pipe that
// wakes the screen, written once per batch of updates rather than once per update.
class SharedModel {
  public:
    explicit SharedModel(WatchModel model) : model_(std::move(model)) {
        if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
            fail(ExitCode::failure, "cannot create the pipe that wakes the screen");
    }
    ~SharedModel() {
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    template <class F>
    auto with(F&& f) {
        std::lock_guard lock(mutex_);
        return f(model_);
    }
    void poke() {
        if (!poked_.exchange(true)) [[maybe_unused]]
            auto ignored = ::write(wake_[1], "x", 1);
    }
    int wake_fd() const { return wake_[0]; }
    // True when poked since the last call.
    bool take_poke() {
        char buffer[64];
        while (::read(wake_[0], buffer, sizeof buffer) > 0) {
        }
        return poked_.exchange(false);
    }

  private:
    std::mutex mutex_;
    WatchModel model_;
    int wake_[2] = {-1, -1};
    std::atomic<bool> poked_{false};
};

// The subscribe loop's updates and connection changes, into the model.
class ModelSink final : public UpdateSink {
  public:
    ModelSink(SharedModel& shared, const CalendarClock& clock) : shared_(shared), clock_(clock) {}
    bool on_start(UpdateKind) override { return true; }
    bool on_update(const Update& update) override {
        shared_.with([&](WatchModel& model) { model.on_update(update, clock_.now()); });
        shared_.poke();
        return true;
    }
    void on_connection(ConnectionState state) override {
        shared_.with([&](WatchModel& model) {
            if (state == ConnectionState::lost) {
                model.on_connection_lost();
            } else {
                model.on_reconnected();
            }
        });
        shared_.poke();
    }

  private:
    SharedModel& shared_;
    const CalendarClock& clock_;
};

// What the subscribe loop would write to stderr goes to the header instead: nothing may be
// written over the screen.
class HeaderDiagnostics final : public Diagnostics {
  public:
    explicit HeaderDiagnostics(SharedModel& shared) : shared_(shared) {}
    void note(int, std::string_view) override {}
    void warn(std::string_view text) override {
        shared_.with([&](WatchModel& model) { model.on_note(redact_output(text)); });
        shared_.poke();
    }
    void progress(std::string_view) override {}
    void summary(std::string_view) override {}
    // The screen is the only place left to say it: the header shows it like a warning.
    void alarm(std::string_view text) override { warn(text); }

  private:
    SharedModel& shared_;
};

// What the header names: the topic filters, or the channels (plan_subscription has checked
// them).
std::string watching(const SubscriptionArgs& args, const SubscribePlan& plan,
                     const Settings& settings, std::size_t& channel_count) {
    channel_count = 0;
    if (plan.raw) return fmt::format("topics {}", fmt::join(args.topics, " "));
    std::vector<std::uint64_t> channels;
    for (const auto& text : args.channels) {
        const auto id = parse_channel_id(text).value;
        if (std::find(channels.begin(), channels.end(), id) == channels.end())
            channels.push_back(id);
    }
    if (channels.empty() && settings.channel) channels.push_back(settings.channel->value);
    channel_count = channels.size();
    return fmt::format("channel{} {}", channels.size() > 1 ? "s" : "", fmt::join(channels, " "));
}

// Signals reach the screen's wait only: blocked here (and in every thread started after),
// unblocked atomically while the screen waits, so a resize or SIGTERM ends that wait.
class BlockedSignals {
  public:
    explicit BlockedSignals(std::initializer_list<int> signals) {
        sigset_t set;
        sigemptyset(&set);
        for (const int signal : signals) sigaddset(&set, signal);
        pthread_sigmask(SIG_BLOCK, &set, &previous_);
    }
    ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
    const sigset_t& previous() const { return previous_; }

  private:
    sigset_t previous_;
};

int show(terminal::Terminal& screen, SharedModel& shared, watch::ViewState view,
         const sigset_t& unblocked, const std::atomic<bool>& feed_ended) {
    auto painted = std::chrono::steady_clock::time_point{};
    bool dirty = true;
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (dirty && now - painted >= kPaintInterval) {
            view.unicode = screen.unicode();
            const auto grid = shared.with([&](const WatchModel& model) {
                return watch::render(model, view, screen.cols(), screen.rows(),
                                     std::chrono::system_clock::now());
            });
            screen.paint(grid);
            painted = now;
            dirty = false;
        }
        // A paint already due is not brought forward by more updates: until then the wake
        // pipe is left unread, so however fast updates come the screen wakes only to paint
        // (and for keys, resizes and signals).
        const auto timeout = dirty ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                         painted + kPaintInterval - now)
                                   : kIdleInterval;
        const auto inputs =
            screen.wait(std::max(timeout, 1ms), dirty ? -1 : shared.wake_fd(), unblocked);
        if (stop_signal().load() != 0 || feed_ended.load()) return 0;
        // Woken by the pipe, or idle for a second (the header's "last 3s ago"): paint.
        if (!dirty) dirty = shared.take_poke() || inputs.empty();
        for (const auto& input : inputs) {
            dirty = true;
            if (input.kind != terminal::Input::Kind::key) continue;
            const auto panels =
                shared.with([](const WatchModel& model) { return model.store().series().size(); });
            if (!view.apply(input.key, panels, std::chrono::system_clock::now())) return 0;
        }
    }
}

int run_watch_command(WatchArgs& args) {
    auto& connection = args.connection;
    // --dry-run connects to nothing and draws nothing: it needs no terminal.
    if (!connection.dry_run && (!is_terminal(STDOUT_FILENO) || !is_terminal(STDIN_FILENO)))
        usage_error("watch needs a terminal; use subscribe");
    add_subscription_settings(args.subscription, connection);
    const auto resolved = resolve_connection(connection, false);
    auto plan = plan_subscription(args.subscription, resolved.settings);
    const auto span = watch::parse_span(args.span);
    std::size_t channel_count = 0;
    const auto named = watching(args.subscription, plan, resolved.settings, channel_count);
    SharedModel shared(WatchModel(span, resolved.settings.labels, channel_count > 1));
    if (!args.history.empty()) {
        std::ifstream in(args.history);
        if (!in)
            fail(ExitCode::config,
                 fmt::format("cannot read --history '{}': {}", args.history, std::strerror(errno)));
        shared.with([&](WatchModel& model) { return watch::load_history(in, model); });
    }
    watch::ViewState view;
    const auto endpoint = resolved.settings.endpoint();
    view.broker = fmt::format("{}:{}", endpoint.host, endpoint.port);
    view.watching = named;
    view.span = span;

    // Paho's threads start at the connect: they must not take the resizes.
    BlockedSignals no_resize({SIGWINCH});
    // Until the screen takes over, -v's report and the --insecure alarm go to stderr as for
    // subscribe; after, only the header says anything.
    StderrDiagnostics before_screen(connection.verbosity, connection.quiet);
    FdOutput out(STDOUT_FILENO);
    std::atomic<int> stop{0};
    SessionOptions options;
    options.send_while_disconnected = false;
    options.max_message_size = plan.max_size;
    options.stop = &stop;
    // The screen shows updates a few times a second: they may wait for the model in batches.
    options.patience = kPatience;
    auto opened = open_session(resolved, connection, options, out, before_screen);
    auto& session = *opened.session;
    subscribe_to(session, plan, before_screen);
    if (opened.dry_run) return to_int(ExitCode::ok);
    for (const auto& filter : plan.filters)
        before_screen.note(1, fmt::format("subscribed to {}", filter));
    shared.with([](WatchModel& model) { model.on_connected(); });
    plan.reconnect = !connection.no_reconnect;
    plan.client_id = resolved.client_id;
    plan.topic_secret = resolved.settings.read_key;

    BlockedSignals no_stop({SIGINT, SIGTERM, SIGWINCH});
    std::exception_ptr failure;
    std::atomic<bool> feed_ended{false};
    {
        terminal::Terminal screen(want_color(args.subscription));
        SystemCalendar wall_clock;
        SteadyClock clock;
        ModelSink sink(shared, wall_clock);
        HeaderDiagnostics diagnostics(shared);
        std::thread feed([&] {
            try {
                run_subscribe(session, plan, sink, clock, wall_clock, diagnostics, stop);
            } catch (...) {
                failure = std::current_exception();
            }
            feed_ended = true;
            shared.poke();
        });
        try {
            show(screen, shared, view, no_resize.previous(), feed_ended);
        } catch (...) {
            stop = 1;
            feed.join();
            throw;
        }
        stop = 1;
        feed.join();
    }
    session.disconnect();
    if (failure) std::rethrow_exception(failure);
    if (stop_signal().load() != 0) return to_int(exit_code_for_signal(stop_signal().load()));
    return to_int(ExitCode::ok);
}

}  // namespace

Runner define_watch_command(CLI::App& command) {
    auto args = std::make_shared<WatchArgs>();
    auto* app = &command;
    add_subscription_options(
        *app, args->subscription,
        {.field = "Chart field updates: N (1-8) or all (repeatable)",
         .label = "Name a field's panel: N=NAME (repeatable)",
         .topic = "Chart the numeric payloads of a topic filter, wildcards allowed (repeatable)",
         .color = "Colour: auto, always or never (NO_COLOR honoured)",
         .color_group = "Screen"});
    const std::string screen = "Screen";
    app->add_option("--span", args->span,
                    "Time shown, a number and s, m, h or d (default 1h; + and - change it)")
        ->group(screen);
    app->add_option("--history", args->history,
                    "First load points from a CSV written by subscribe --format csv")
        ->group(screen);
    add_connection_options(*app, args->connection);
    return [args] { return run_watch_command(*args); };
}

}  // namespace tsmqtt::cli
