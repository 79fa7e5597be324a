// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Session without a broker: records what is published and replays scripted events.
#include <algorithm>
#include <deque>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "core/session.hpp"

namespace tsmqtt::testing {

struct Published {
    std::string topic;
    std::string payload;
    int qos;
    bool retain;
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

class FakeSession final : public Session {
  public:
    void connect() override {
        ++connects;
        if (connect_failures > 0) {
            --connect_failures;
            throw Error(ExitCode::network, "cannot reach broker: connection refused");
        }
        up = true;
    }
    // Takes the message while `up`; the connection dies (what is unconfirmed is lost) after
    // `lose_after` messages, once.
    std::optional<std::uint64_t> publish(const OutgoingMessage& message) override {
        if (!up) return std::nullopt;
        published.push_back({message.topic, message.payload, message.qos, message.retain});
        if (clock != nullptr) published_at.push_back(clock->now());
        unconfirmed.push_back(++last_id);
        if (lose_after && published.size() == *lose_after) {
            lose_after.reset();
            dying = std::exchange(unconfirmed, {});
            up = false;  // until the loss is reported, then reconnected
        }
        return last_id;
    }
    Deliveries take_deliveries(std::chrono::steady_clock::time_point deadline) override;
    bool connected() const override { return up; }
    std::vector<int> subscribe(const std::vector<std::string>& filters, int qos) override {
        subscriptions.push_back(filters);
        subscribe_qos = qos;
        return std::vector<int>(filters.size(), std::min(qos, max_qos));
    }
    void unsubscribe(const std::vector<std::string>& filters) override {
        unsubscriptions.push_back(filters);
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
    std::vector<std::vector<std::string>> unsubscriptions;
    std::deque<SessionEvent> events;
    int subscribe_qos = -1;
    int max_qos = 2;  // the highest QoS the broker grants
    int connects = 0;
    int disconnects = 0;
    int idle_polls = 0;
    FakeClock* clock = nullptr;  // when set, published_at records the times
    std::vector<MonotonicClock::time_point> published_at;
    bool up = true;
    bool confirm = true;               // false: the broker never confirms (a hung broker)
    std::vector<std::uint64_t> dying;  // taken by the connection that dies
    int connect_failures = 0;
    std::optional<std::size_t> lose_after;
    std::vector<std::uint64_t> unconfirmed;
    std::uint64_t last_id = 0;
};

// Waiting for news with nothing to report lets time pass to the deadline.
inline Session::Deliveries FakeSession::take_deliveries(
    std::chrono::steady_clock::time_point deadline) {
    Deliveries news;
    if (!dying.empty()) {
        news.lost = std::exchange(dying, {});
        news.connection_losses = 1;
        up = true;
    }
    if (confirm) {
        news.confirmed = std::exchange(unconfirmed, {});
    } else if (news.lost.empty() && clock != nullptr && deadline > clock->current) {
        clock->current = deadline;
    }
    return news;
}

class FakeCalendar final : public CalendarClock {
  public:
    time_point now() const override { return current; }
    time_point current{std::chrono::sys_days{std::chrono::year{2026} / 12 / 2}};
};

// All lines at once, then the end; or, with `stop_after`, a signal after that many lines.
class StringLines final : public LineSource {
  public:
    explicit StringLines(std::vector<std::string> lines, std::atomic<int>* stop = nullptr,
                         std::size_t stop_after = 0)
        : lines_(std::move(lines)), stop_(stop), stop_after_(stop_after) {}
    Read read_line(std::string& line, const std::atomic<int>&,
                   MonotonicClock::time_point) override {
        if (stop_ != nullptr && next_ == stop_after_) {
            stop_->store(2);
            return Read::waiting;
        }
        if (next_ >= lines_.size()) return Read::end;
        line = lines_[next_++];
        return Read::line;
    }

  private:
    std::vector<std::string> lines_;
    std::atomic<int>* stop_;
    std::size_t stop_after_;
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
