#include "paho/paho_session.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include "core/error.hpp"
#include "paho/paho_errors.hpp"

namespace tsmqtt {
namespace {

using steady = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(100);

int paho_version(MqttVersion version) {
    return version == MqttVersion::v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
}

mqtt::ssl_options make_ssl_options(const Settings& settings) {
    mqtt::ssl_options ssl;
    if (!settings.cafile.empty()) ssl.set_trust_store(settings.cafile);
    if (!settings.capath.empty()) ssl.ca_path(settings.capath);
    if (!settings.cert.empty()) ssl.set_key_store(settings.cert);
    if (!settings.key.empty()) ssl.set_private_key(settings.key);
    // Paho C checks the host name only with verify on (platform-notes.md, item 8).
    ssl.set_enable_server_cert_auth(!settings.insecure);
    ssl.set_verify(!settings.insecure);
    return ssl;
}

class EventQueue {
public:
    void push(SessionEvent event) {
        {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
        }
        ready_.notify_one();
    }

    std::optional<SessionEvent> pop(steady::time_point deadline, const std::atomic<int>* stop) {
        std::unique_lock lock(mutex_);
        while (events_.empty()) {
            if (stop != nullptr && stop->load() != 0) return std::nullopt;
            const auto until = std::min(deadline, steady::now() + kPoll);
            ready_.wait_until(lock, until);
            if (events_.empty() && steady::now() >= deadline) return std::nullopt;
        }
        auto event = std::move(events_.front());
        events_.pop_front();
        return event;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<SessionEvent> events_;
};

class PahoSession final : public Session {
public:
    PahoSession(const Settings& settings, std::string client_id, const SessionOptions& options)
        : settings_(settings), endpoint_(settings.endpoint()), options_(options) {
        mqtt::create_options create(paho_version(settings.mqtt_version), static_cast<int>(options.window) + 16);
        create.set_send_while_disconnected(options.send_while_disconnected);
        // No persistence files (platform-notes.md, item 6).
        client_ = std::make_unique<mqtt::async_client>(endpoint_.uri(), client_id, create, nullptr);
        client_->set_message_callback([this](mqtt::const_message_ptr message) {
            SessionEvent event;
            event.message.topic = message->get_topic();
            event.message.payload = message->get_payload();
            event.message.qos = message->get_qos();
            event.message.retained = message->is_retained();
            events_.push(std::move(event));
        });
        client_->set_connection_lost_handler([this](const std::string& cause) {
            connected_ = false;
            SessionEvent event;
            event.kind = SessionEvent::Kind::connection_lost;
            event.detail = cause;
            if (options_.on_connection_change) options_.on_connection_change(event);
            events_.push(std::move(event));
        });
        client_->set_connected_handler([this](const std::string&) {
            const bool again = ever_connected_.exchange(true);
            connected_ = true;
            if (again) {
                SessionEvent event;
                event.kind = SessionEvent::Kind::reconnected;
                if (options_.on_connection_change) options_.on_connection_change(event);
                events_.push(std::move(event));
            }
        });
    }

    ~PahoSession() override {
        if (connected_) {
            try {
                disconnect();
            } catch (const std::exception&) {
                // Ending anyway; there is nobody left to tell.
            }
        }
        // Destroying the client costs 100-700 ms (platform-notes.md, item 5) and the process
        // ends right after a session: the client is left to the operating system.
        static_cast<void>(client_.release());
    }

    void connect() override {
        const auto started = steady::now();
        try {
            auto token = client_->connect(connect_options());
            while (!token->wait_for(kPoll)) {
                if (options_.stop != nullptr && options_.stop->load() != 0) {
                    fail(ExitCode::interrupted, "interrupted while connecting");
                }
            }
        } catch (const mqtt::exception& e) {
            const auto waited = std::chrono::duration_cast<std::chrono::seconds>(steady::now() - started);
            if (waited.count() >= settings_.connect_timeout) {
                throw Error(ExitCode::network,
                            fmt::format("{} did not answer within {} s (--connect-timeout): is it an MQTT broker?",
                                        endpoint_.uri(), settings_.connect_timeout));
            }
            throw connect_error(e, settings_, endpoint_);
        }
    }

    void publish(const std::string& topic, const std::string& payload, int qos, bool retain) override {
        while (tokens_.size() >= options_.window) wait_oldest();
        for (;;) {
            try {
                tokens_.push_back(client_->publish(topic, payload.data(), payload.size(), qos, retain));
                return;
            } catch (const mqtt::exception& e) {
                if (e.get_return_code() != MQTTASYNC_MAX_BUFFERED_MESSAGES || tokens_.empty()) {
                    throw session_error(e, "publish");
                }
                wait_oldest();
            }
        }
    }

    std::size_t flush(steady::time_point deadline) override {
        while (!tokens_.empty()) {
            if (!wait_token(tokens_.front(), deadline)) break;
            tokens_.pop_front();
        }
        const auto left = tokens_.size() + failed_;
        tokens_.clear();
        failed_ = 0;
        return left;
    }

    void subscribe(const std::vector<std::string>& filters, int qos) override {
        auto topics = mqtt::string_collection::create(filters);
        std::vector<int> qoses(filters.size(), qos);
        try {
            auto token = client_->subscribe(topics, qoses);
            // Polled, so that a signal ends the wait for a SUBACK that never comes.
            while (!token->wait_for(kPoll)) {
                if (options_.stop != nullptr && options_.stop->load() != 0) {
                    fail(ExitCode::interrupted, "interrupted while subscribing");
                }
            }
            const auto codes = token->get_subscribe_response().get_reason_codes();
            for (std::size_t i = 0; i < codes.size() && i < filters.size(); ++i) {
                if (codes[i] >= 0x80) {
                    fail(ExitCode::auth, fmt::format("the broker refused the subscription to '{}' (not authorised?)",
                                                     filters[i]));
                }
            }
        } catch (const mqtt::exception& e) {
            throw session_error(e, "subscribe");
        }
    }

    std::optional<SessionEvent> next_event(steady::time_point deadline) override {
        return events_.pop(deadline, options_.stop);
    }

    void disconnect() override {
        if (!client_->is_connected()) {
            connected_ = false;
            return;
        }
        try {
            client_->disconnect(std::chrono::seconds(settings_.connect_timeout))->wait();
        } catch (const mqtt::exception& e) {
            connected_ = false;
            throw session_error(e, "disconnect");
        }
        connected_ = false;
    }

private:
    mqtt::connect_options connect_options() const {
        mqtt::connect_options options;
        options.set_mqtt_version(paho_version(settings_.mqtt_version));
        if (settings_.mqtt_version == MqttVersion::v5) {
            options.set_clean_session(false);
            options.set_clean_start(true);
        } else {
            options.set_clean_session(true);
        }
        options.set_keep_alive_interval(settings_.keepalive);
        options.set_connect_timeout(settings_.connect_timeout);
        if (!settings_.username.empty()) options.set_user_name(settings_.username);
        if (settings_.password) options.set_password(*settings_.password);
        if (endpoint_.secure()) options.set_ssl(make_ssl_options(settings_));
        if (options_.reconnect) options.set_automatic_reconnect(1, 30);
        return options;
    }

    // Waits for one delivery; false when the deadline passed (or a signal came) first.
    bool wait_token(const mqtt::delivery_token_ptr& token, steady::time_point deadline) {
        for (;;) {
            try {
                if (token->wait_for(kPoll)) return true;
            } catch (const mqtt::exception&) {
                ++failed_;
                return true;
            }
            if (steady::now() >= deadline) return false;
            if (options_.stop != nullptr && options_.stop->load() != 0) return false;
        }
    }

    void wait_oldest() {
        if (!wait_token(tokens_.front(), steady::time_point::max())) {
            fail(ExitCode::interrupted, "interrupted while waiting to publish");
        }
        tokens_.pop_front();
    }

    Settings settings_;
    Endpoint endpoint_;
    SessionOptions options_;
    std::unique_ptr<mqtt::async_client> client_;
    EventQueue events_;
    std::deque<mqtt::delivery_token_ptr> tokens_;
    std::size_t failed_ = 0;
    std::atomic<bool> connected_{false};
    std::atomic<bool> ever_connected_{false};
};

}  // namespace

std::unique_ptr<Session> make_paho_session(const Settings& settings, std::string client_id,
                                           const SessionOptions& options) {
    return std::make_unique<PahoSession>(settings, std::move(client_id), options);
}

}  // namespace tsmqtt
