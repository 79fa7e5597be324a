// SPDX-License-Identifier: Apache-2.0
#include "paho/paho_session.hpp"

#if defined(__linux__)
#include <dirent.h>
#include <sched.h>
#endif

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/event_queue.hpp"
#include "paho/packet_log.hpp"
#include "paho/paho_errors.hpp"
#include "paho/paho_v5.hpp"
#include "paho/paho_waits.hpp"
#include "paho/tcp_nodelay.hpp"

namespace tsmqtt {
namespace {

using steady = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(100);
// How long the disconnect after QoS 2 messages waits for Paho to let them go (disconnect()).
constexpr auto kQos2Grace = std::chrono::milliseconds(1000);

// Once per process, before the first client:
// - OpenSSL is left to initialise itself on first use, as it does since 1.1: Paho's own
//   initialisation loads every error string at client creation, for TCP runs too, which costs
//   1.5 MB of resident memory and a millisecond;
// - Paho's trace level is raised to errors: at its default it formats a trace line into a ring
//   buffer on every function entry, which nobody reads unless MQTT_C_CLIENT_TRACE asks for a
//   trace, and which costs a receiving client a quarter of its time (bench/RESULTS.md).
void init_paho() {
    static const bool done = [] {
        MQTTAsync_init_options init = MQTTAsync_init_options_initializer;
        init.do_openssl_init = 0;
        MQTTAsync_global_init(&init);
        if (std::getenv("MQTT_C_CLIENT_TRACE") == nullptr)
            MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
        return true;
    }();
    static_cast<void>(done);
}

// Paho C serialises its threads on process-wide mutexes (its stack tracer alone takes one on
// every function entry and exit). While a flood keeps the publishing thread and Paho's send
// thread busy on two CPUs, most of their time goes into passing those mutexes between the CPUs;
// on one CPU the same 100 000 messages take half the time (bench/RESULTS.md). So once the
// window has filled, every thread of the process stays on the CPU the publisher is on, unless
// TSMQTT_FLOOD_ONE_CPU=0 (for bench/run, and for whoever measures otherwise).
void keep_on_one_cpu() {
#if defined(__linux__)
    static const bool wanted = [] {
        const char* setting = std::getenv("TSMQTT_FLOOD_ONE_CPU");
        return setting == nullptr || std::strcmp(setting, "0") != 0;
    }();
    const int cpu = wanted ? ::sched_getcpu() : -1;
    DIR* tasks = cpu < 0 ? nullptr : ::opendir("/proc/self/task");
    if (tasks == nullptr) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<std::size_t>(cpu), &set);
    while (const dirent* task = ::readdir(tasks)) {
        const int id = std::atoi(task->d_name);  // 0 for "." and ".."
        if (id > 0) ::sched_setaffinity(id, sizeof set, &set);
    }
    ::closedir(tasks);
#endif
}

int paho_version(MqttVersion version) {
    return version == MqttVersion::v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
}

mqtt::ssl_options make_ssl_options(const Settings& settings) {
    mqtt::ssl_options ssl;
    // --cafile/--capath replace the system store (Paho C loads the default paths only when
    // neither is given; tls_probe.cpp does the same): trusting one private CA for a private
    // broker should not also trust every public CA for it.
    if (!settings.cafile.empty()) ssl.set_trust_store(settings.cafile);
    if (!settings.capath.empty()) ssl.ca_path(settings.capath);
    if (!settings.cert.empty()) ssl.set_key_store(settings.cert);
    if (!settings.key.empty()) ssl.set_private_key(settings.key);
    // Paho C checks the host name only with verify on (docs/platform.md, Paho item 8).
    ssl.set_enable_server_cert_auth(!settings.insecure);
    ssl.set_verify(!settings.insecure);
    return ssl;
}

// With patience, one nap as long: a reader that waits that long anyway is woken per batch.
EventQueue::Naps naps_for(std::chrono::milliseconds patience) {
    if (patience <= std::chrono::milliseconds::zero()) return {};
    return {std::chrono::duration_cast<std::chrono::microseconds>(patience), 1};
}

class PahoSession final : public Session {
  public:
    PahoSession(const Settings& settings, std::string client_id, const SessionOptions& options)
        : settings_(settings),
          endpoint_(settings.endpoint()),
          options_(options),
          log_(options.packet_log),
          events_(EventQueue::Limits{}, naps_for(options.patience)),
          probe_topic_("tsmqtt/probe/" + client_id) {
        init_paho();
        mqtt::create_options create(paho_version(settings.mqtt_version),
                                    static_cast<int>(options.window) + 16);
        create.set_send_while_disconnected(options.send_while_disconnected);
        // No persistence files (docs/platform.md, Paho item 6).
        client_ = std::make_unique<mqtt::async_client>(endpoint_.uri(), client_id, create, nullptr);
        client_->set_message_callback([this](mqtt::const_message_ptr message) {
            SessionEvent event;
            event.message.topic = message->get_topic();
            const auto& payload = message->get_payload();
            if (payload.size() > options_.max_message_size) {
                event.message.dropped_size = payload.size();
            } else {
                event.message.payload = payload;
            }
            event.message.qos = message->get_qos();
            event.message.retained = message->is_retained();
            event.message.properties = from_paho_properties(message->get_properties());
            log_.publish_received(event.message.topic, event.message.qos, event.message.retained,
                                  payload.size());
            events_.push_message(std::move(event));
        });
        client_->set_connection_lost_handler([this](const std::string& cause) {
            connected_ = false;
            ++losses_;
            SessionEvent event;
            event.kind = SessionEvent::Kind::connection_lost;
            event.detail = cause;
            take_disconnect_reason(event);
            if (options_.on_connection_change) options_.on_connection_change(event);
            events_.push_control(std::move(event));
        });
        // MQTT 5: the broker's DISCONNECT comes before the loss, with its reason.
        client_->set_disconnected_handler(
            [this](const mqtt::properties& properties, mqtt::ReasonCode reason) {
                const std::lock_guard lock(disconnect_mutex_);
                disconnect_reason_ = static_cast<int>(reason);
                disconnect_string_ = reason_string(properties);
            });
        client_->set_connected_handler([this](const std::string&) {
            log_.connack(0);
            const bool again = ever_connected_.exchange(true);
            // A reconnect's new socket, before anything is published on it (connect() sees to
            // the first).
            if (again) disable_nagle_on_tcp_sockets();
            connected_ = true;
            if (again) {
                SessionEvent event;
                event.kind = SessionEvent::Kind::reconnected;
                if (options_.on_connection_change) options_.on_connection_change(event);
                events_.push_control(std::move(event));
            }
        });
    }

    ~PahoSession() override {
        events_.close();  // Paho's thread may be waiting for room in it
        if (connected_) {
            try {
                disconnect();
            } catch (const std::exception&) {
                // Ending anyway; there is nobody left to tell.
            }
        }
        // Destroying the client costs 100-700 ms (docs/platform.md, Paho item 5) and the process
        // ends right after a session: the client is left to the operating system.
        static_cast<void>(client_.release());
    }

    void connect() override {
        const auto started = steady::now();
        const FirstConnect shortcuts(endpoint_.transport == Transport::tcp);
        // --connect-timeout is the whole connect, whatever the transport does in steps (Paho
        // applies it to a WebSocket's TCP connect and its handshake one after the other).
        const auto timed_out = started + std::chrono::seconds(settings_.connect_timeout);
        const auto no_answer = [&] {
            return Error(
                ExitCode::network,
                fmt::format(
                    "{} did not answer within {} s (--connect-timeout): is it an MQTT broker?",
                    endpoint_.uri(), settings_.connect_timeout));
        };
        try {
            log_.connect(endpoint_, client_->get_client_id(), settings_);
            auto token = client_->connect(connect_options());
            while (!token->wait_for(kPoll)) {
                check_waiting("connecting");
                if (steady::now() >= timed_out) throw no_answer();
            }
            if (settings_.mqtt_version == MqttVersion::v5)
                receive_maximum_ = receive_maximum(*token, receive_maximum_);
            // Here, before the first publish: Paho calls the connected handler after the token.
            disable_nagle_on_tcp_sockets();
            connected_ = true;
        } catch (const mqtt::exception& e) {
            if (!connack_reason(e.get_return_code()).empty()) log_.connack(e.get_return_code());
            if (steady::now() >= timed_out) throw no_answer();
            throw connect_error(e, settings_, endpoint_);
        }
    }

    std::optional<std::uint64_t> publish(const OutgoingMessage& message) override {
        note_flood();
        // MQTT 5: no more QoS 1/2 messages out than the broker's Receive Maximum. Paho C queues
        // the rest and sends them only when its send thread wakes, which an acknowledgement
        // does not do: up to a second per window (docs/platform.md, "MQTT 5 streams").
        const auto window =
            message.qos > 0 ? std::min(options_.window, receive_maximum_) : options_.window;
        while (pending_.size() >= window) {
            collect();
            if (pending_.size() < window) break;
            if (!connected_ || stopped()) return std::nullopt;
            wait_a_little(steady::now() + kPoll);
        }
        if (!connected_) return std::nullopt;
        for (;;) {
            try {
                const auto generation = losses_.load();
                auto token = publish_one(message);
                pending_.push_back({++last_id_, std::move(token), message.qos, generation});
                log_.publish_sent(message.topic, message.qos, message.retain,
                                  message.payload.size());
                collect();  // a probe right behind the message, when none is out
                return last_id_;
            } catch (const mqtt::exception& e) {
                if (e.get_return_code() == MQTTASYNC_DISCONNECTED) return std::nullopt;
                if (e.get_return_code() != MQTTASYNC_MAX_BUFFERED_MESSAGES || pending_.empty()) {
                    throw session_error(e, "publish");
                }
                wait_a_little(steady::now() + kPoll);
                collect();
            }
        }
    }

    Deliveries take_deliveries(steady::time_point deadline) override {
        collect();
        while (news_.confirmed.empty() && news_.lost.empty() && news_.connection_losses == 0 &&
               !pending_.empty() && steady::now() < deadline) {
            wait_a_little(deadline);
            collect();
        }
        return std::exchange(news_, {});
    }

    bool connected() const override { return connected_; }

    std::vector<int> subscribe(const std::vector<std::string>& filters, int qos) override {
        auto topics = mqtt::string_collection::create(filters);
        std::vector<int> qoses(filters.size(), qos);
        // Paho's thread must be free to read the SUBACK, whatever is queued before it.
        events_.set_back_pressure(false);
        struct Restore {
            EventQueue& events;
            ~Restore() { events.set_back_pressure(true); }
        } restore{events_};
        try {
            log_.subscribe(filters, qos);
            // Paho C++ 1.2.0 crashes subscribing to several filters with options: with options,
            // one SUBSCRIBE per filter.
            const auto options = subscription_options(options_.mqtt, settings_.mqtt_version);
            if (!options) return check_suback(client_->subscribe(topics, qoses), filters, qos);
            std::vector<int> granted;
            for (const auto& filter : filters)
                granted.push_back(
                    check_suback(client_->subscribe(filter, qos, *options), {filter}, qos)[0]);
            return granted;
        } catch (const mqtt::exception& e) {
            // Paho fails the whole request when its only filter is refused (SUBACK 0x80),
            // where it reports each code of a request of several: both are the same refusal.
            const bool refused = e.get_return_code() >= 0x80 || e.get_reason_code() >= 0x80;
            if (filters.size() == 1 && refused) refused_subscription(filters[0]);
            throw session_error(e, "subscribe");
        }
    }

    void unsubscribe(const std::vector<std::string>& filters) override {
        try {
            auto token = client_->unsubscribe(mqtt::string_collection::create(filters));
            while (!token->wait_for(kPoll)) check_waiting("unsubscribing");
        } catch (const mqtt::exception& e) {
            throw session_error(e, "unsubscribe");
        }
    }

    std::optional<SessionEvent> next_event(steady::time_point deadline) override {
        return events_.pop(deadline, options_.stop);
    }

    void disconnect() override {
        events_.close();
        if (!client_->is_connected()) {
            connected_ = false;
            return;
        }
        collect();
        // QoS 1/2 messages still unacknowledged: the caller's wait for them (--flush-timeout) is
        // over, so Paho does not wait for them again; they are not confirmed (end_pending).
        const bool unanswered = std::any_of(pending_.begin(), pending_.end(), [](const auto& p) {
            return p.qos > 0 && state(p.token) == State::waiting;
        });
        // A QoS 2 message answered with a PUBACK completes its token, but Paho keeps it in
        // flight and its disconnect waits for it, seconds past any timeout: a short wait tells.
        const auto timeout = unanswered        ? steady::duration::zero()
                             : qos2_confirmed_ ? kQos2Grace
                                               : std::chrono::seconds(settings_.connect_timeout);
        bool out_of_protocol = false;
        try {
            log_.disconnect();
            auto token =
                client_->disconnect(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
            if (qos2_confirmed_ && !unanswered) {
                out_of_protocol = !token->wait_for(kQos2Grace);
            } else {
                token->wait();
            }
        } catch (const mqtt::exception& e) {
            connected_ = false;
            end_pending(false);
            throw session_error(e, "disconnect");
        }
        connected_ = false;
        end_pending(true);
        if (out_of_protocol) {
            fail(
                ExitCode::failure,
                "the broker answered QoS 2 with PUBACK, which MQTT does not allow: it grants QoS 1 "
                "only (RabbitMQ does), so the messages were delivered at least once, not exactly "
                "once; publish with --qos 1");
        }
    }

  private:
    [[noreturn]] static void refused_subscription(const std::string& filter,
                                                  const std::string& why = "not authorised?") {
        fail(ExitCode::auth,
             fmt::format("the broker refused the subscription to '{}' ({})", filter, why));
    }

    mqtt::connect_options connect_options() const {
        mqtt::connect_options options;
        options.set_mqtt_version(paho_version(settings_.mqtt_version));
        apply_behaviour(options, options_.mqtt, settings_.mqtt_version);
        options.set_keep_alive_interval(settings_.keepalive);
        options.set_connect_timeout(settings_.connect_timeout);
        if (!settings_.username.empty()) options.set_user_name(settings_.username);
        if (settings_.password) options.set_password(*settings_.password);
        if (endpoint_.secure()) options.set_ssl(make_ssl_options(settings_));
        if (options_.reconnect) options.set_automatic_reconnect(1, 30);
        return options;
    }

    mqtt::delivery_token_ptr publish_one(const OutgoingMessage& message) {
        if (settings_.mqtt_version != MqttVersion::v5 || message.properties == MessageProperties{})
            return client_->publish(message.topic, message.payload.data(), message.payload.size(),
                                    message.qos, message.retain);
        return client_->publish(mqtt::message::create(
            message.topic, message.payload.data(), message.payload.size(), message.qos,
            message.retain, to_paho_properties(message.properties)));
    }

    // Returns the QoS granted each filter (asked at `qos`).
    std::vector<int> check_suback(const mqtt::token_ptr& token,
                                  const std::vector<std::string>& filters, int qos) {
        // Polled, so that a signal or --timeout ends the wait for a SUBACK that never comes.
        while (!token->wait_for(kPoll)) check_waiting("subscribing");
        const auto response = token->get_subscribe_response();
        const auto& codes = response.get_reason_codes();
        log_.suback(filters, {codes.begin(), codes.end()});
        for (std::size_t i = 0; i < codes.size() && i < filters.size(); ++i) {
            if (codes[i] < 0x80) continue;
            refused_subscription(
                filters[i],
                settings_.mqtt_version == MqttVersion::v5
                    ? reason_code_text(codes[i], reason_string(response.get_properties()))
                    : std::string("not authorised?"));
        }
        std::vector<int> granted(codes.begin(), codes.end());
        // Each filter has its code; where Paho gave none, nothing says less was granted.
        granted.resize(filters.size(), qos);
        return granted;
    }

    // A signal ends a wait for the broker, and so does subscribe's --timeout.
    void check_waiting(std::string_view what) const {
        if (stopped()) fail(ExitCode::interrupted, fmt::format("interrupted while {}", what));
        if (steady::now() >= options_.give_up_at) {
            fail(ExitCode::timeout,
                 fmt::format("--timeout elapsed while {} (the broker did not answer)", what));
        }
    }

    // The reason of the DISCONNECT the broker sent before this loss, if any.
    void take_disconnect_reason(SessionEvent& event) {
        const std::lock_guard lock(disconnect_mutex_);
        if (!disconnect_reason_) return;
        event.disconnect_reason = std::exchange(disconnect_reason_, std::nullopt);
        const auto text = reason_code_text(*event.disconnect_reason, disconnect_string_);
        event.detail = event.detail.empty() ? "the broker said " + text
                                            : event.detail + "; the broker said " + text;
    }

    enum class State { waiting, done, failed };
    static State state(const mqtt::token_ptr& token) {
        try {
            return token->try_wait() ? State::done : State::waiting;
        } catch (const mqtt::exception&) {
            return State::failed;
        }
    }

    // MQTT 5 brokers answer the probe's UNSUBSCRIBE with reason 0x11 (no subscription existed),
    // which Paho turns into a failed token: an answer all the same.
    static State probe_state(const mqtt::token_ptr& token) {
        try {
            return token->try_wait() ? State::done : State::waiting;
        } catch (const mqtt::exception& e) {
            return e.get_return_code() == MQTTASYNC_SUCCESS ? State::done : State::failed;
        }
    }

    // A window's worth of messages within a second is a flood, whether or not the broker's
    // confirmations keep up with it: from then on the process stays on one CPU.
    void note_flood() {
        if (flooded_) return;
        const auto now = steady::now();
        if (now - burst_start_ > std::chrono::seconds(1)) {
            burst_start_ = now;
            burst_ = 0;
        }
        if (++burst_ < options_.window) return;
        flooded_ = true;
        keep_on_one_cpu();
    }

    bool stopped() const { return options_.stop != nullptr && options_.stop->load() != 0; }

    // Moves what is decided from pending_ to news_. QoS 1/2: acknowledged. QoS 0: written and
    // then vouched for by the UNSUBACK of a probe sent after it on the same connection (an
    // UNSUBSCRIBE every 3.1.1 and 5 broker must answer, in order, even for a topic nobody
    // uses). On a loss, what the dead connection held unconfirmed is lost.
    void collect() {
        if (probe_) {
            // An UNSUBACK can only come on the connection the probe went out on, after all it
            // covers: those of that connection not lost by then are confirmed.
            const auto probe = probe_state(probe_);
            if (probe == State::done) vouched_ = std::max(vouched_, probe_covers_);
            if (probe != State::waiting) probe_.reset();
        }
        while (!pending_.empty()) {
            auto& front = pending_.front();
            const auto written = state(front.token);
            // Paho C never completes the token of a QoS 0 message that carries a message
            // expiry (MQTT 5): the probe's UNSUBACK, which came after it, vouches for it all the
            // same (Paho sends in order).
            const bool vouched = front.qos == 0 && front.id <= vouched_;
            if (written == State::waiting && !vouched) break;
            if (written == State::failed) {
                news_.lost.push_back(front.id);
            } else if (front.qos > 0 || front.id <= vouched_) {
                if (front.qos > 0) log_.acknowledged(front.qos);
                news_.confirmed.push_back(front.id);
                qos2_confirmed_ = qos2_confirmed_ || front.qos == 2;
            } else {
                break;
            }
            pending_.pop_front();
        }
        const auto losses = losses_.load();
        if (losses != seen_losses_) {
            news_.connection_losses += losses - seen_losses_;
            seen_losses_ = losses;
            probe_.reset();
            std::erase_if(pending_, [&](const Pending& p) {
                if (p.generation == losses) return false;
                news_.lost.push_back(p.id);
                return true;
            });
        }
        if (!probe_ && connected_ && !pending_.empty() && pending_.back().qos == 0 &&
            pending_.back().id > vouched_) {
            try {
                probe_covers_ = pending_.back().id;
                probe_ = client_->unsubscribe(probe_topic_);
            } catch (const mqtt::exception&) {
                probe_.reset();  // not connected after all: the loss decides
            }
        }
    }

    void wait_a_little(steady::time_point until) {
        const auto& token = probe_ ? probe_ : pending_.empty() ? nullptr : pending_.front().token;
        const auto slice = std::min<steady::duration>(until - steady::now(), kPoll);
        if (slice <= steady::duration::zero()) return;
        if (!token) {
            std::this_thread::sleep_for(slice);
            return;
        }
        try {
            token->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(slice) +
                            std::chrono::milliseconds(1));
        } catch (const mqtt::exception&) {
            // A failed token is collected as lost.
        }
    }

    // After a clean DISCONNECT the broker has what was written before it.
    void end_pending(bool clean) {
        for (const auto& p : pending_) {
            const bool confirmed = clean && state(p.token) == State::done;
            (confirmed ? news_.confirmed : news_.lost).push_back(p.id);
        }
        pending_.clear();
    }

    struct Pending {
        std::uint64_t id;
        mqtt::delivery_token_ptr token;
        int qos;
        std::uint64_t generation;  // losses_ when it was taken
    };

    Settings settings_;
    Endpoint endpoint_;
    SessionOptions options_;
    PacketLog log_;
    std::unique_ptr<mqtt::async_client> client_;
    EventQueue events_;
    std::deque<Pending> pending_;
    Deliveries news_;
    std::uint64_t last_id_ = 0;
    std::uint64_t vouched_ = 0;  // every QoS 0 message up to this id is confirmed
    mqtt::token_ptr probe_;
    std::uint64_t probe_covers_ = 0;
    std::string probe_topic_;
    std::atomic<std::uint64_t> losses_{0};
    std::uint64_t seen_losses_ = 0;
    bool qos2_confirmed_ = false;  // a QoS 2 message was acknowledged (disconnect)
    bool flooded_ = false;         // a flood was seen (note_flood)
    std::size_t burst_ = 0;
    steady::time_point burst_start_{};
    std::atomic<bool> connected_{false};
    std::atomic<bool> ever_connected_{false};
    std::size_t receive_maximum_ = SIZE_MAX;  // MQTT 5: the broker's, from its CONNACK
    std::mutex disconnect_mutex_;
    std::optional<int> disconnect_reason_;  // of the broker's DISCONNECT, until the loss takes it
    std::string disconnect_string_;
};

}  // namespace

std::unique_ptr<Session> make_paho_session(const Settings& settings, std::string client_id,
                                           const SessionOptions& options) {
    return std::make_unique<PahoSession>(settings, std::move(client_id), options);
}

}  // namespace tsmqtt
