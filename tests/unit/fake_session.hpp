#pragma once
// A Session without a broker: records what is published and replays scripted events.
#include <deque>

#include "core/runtime.hpp"
#include "core/session.hpp"

namespace tsmqtt::testing {

struct Published {
    std::string topic;
    std::string payload;
    int qos;
    bool retain;
};

class FakeSession final : public Session {
  public:
    void connect() override { ++connects; }
    void publish(const OutgoingMessage& message) override {
        published.push_back({message.topic, message.payload, message.qos, message.retain});
    }
    std::size_t flush(std::chrono::steady_clock::time_point) override { return undelivered; }
    void subscribe(const std::vector<std::string>& filters, int qos) override {
        subscriptions.push_back(filters);
        subscribe_qos = qos;
    }
    std::optional<SessionEvent> next_event(std::chrono::steady_clock::time_point) override {
        if (events.empty()) {
            ++idle_polls;
            return std::nullopt;
        }
        auto event = events.front();
        events.pop_front();
        return event;
    }
    void disconnect() override { ++disconnects; }

    void add_message(std::string topic, std::string payload) {
        SessionEvent event;
        event.message = {std::move(topic), std::move(payload), 0, false};
        events.push_back(std::move(event));
    }

    std::vector<Published> published;
    std::vector<std::vector<std::string>> subscriptions;
    std::deque<SessionEvent> events;
    int subscribe_qos = -1;
    int connects = 0;
    int disconnects = 0;
    int idle_polls = 0;
    std::size_t undelivered = 0;
};

// Time moves only when the code under test sleeps (or on each poll, for timeouts).
class FakeClock final : public MonotonicClock {
  public:
    time_point now() const override { return current; }
    bool sleep_until(time_point when, const std::atomic<int>&) override {
        sleeps.push_back(when - current);
        if (when > current) current = when;
        return true;
    }
    time_point current{std::chrono::seconds(1000)};
    std::vector<std::chrono::steady_clock::duration> sleeps;
};

class StringLines final : public LineSource {
  public:
    explicit StringLines(std::vector<std::string> lines) : lines_(std::move(lines)) {}
    bool next_line(std::string& line, const std::atomic<int>&) override {
        if (next_ >= lines_.size()) return false;
        line = lines_[next_++];
        return true;
    }

  private:
    std::vector<std::string> lines_;
    std::size_t next_ = 0;
};

class RecordingDiagnostics final : public Diagnostics {
  public:
    void note(int, std::string_view text) override { notes.emplace_back(text); }
    void warn(std::string_view text) override { warnings.emplace_back(text); }
    void progress(std::string_view text) override { progress_lines.emplace_back(text); }
    void summary(std::string_view text) override { summaries.emplace_back(text); }
    void alarm(std::string_view text) override { warnings.emplace_back(text); }
    std::vector<std::string> notes, warnings, progress_lines, summaries;
};

}  // namespace tsmqtt::testing
