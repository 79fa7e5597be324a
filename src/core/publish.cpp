// SPDX-License-Identifier: Apache-2.0
#include "core/publish.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "core/stamp.hpp"

namespace tsmqtt {
namespace {

using Steady = MonotonicClock::time_point;
constexpr auto kSlice = std::chrono::milliseconds(50);
// A stream commits what it read together, at least this often (docs/cli-contract.md, "The outbox").
constexpr auto kCommitEvery = std::chrono::milliseconds(200);
constexpr std::size_t kBatch = 512;
constexpr auto kLease = std::chrono::seconds(30);
constexpr auto kFirstRetry = std::chrono::seconds(1);
constexpr auto kLastRetry = std::chrono::seconds(60);
// After a signal the loop still waits (for the flush), so its waits must not end early.
const std::atomic<int> kNoStop{0};

class Publisher {
  public:
    Publisher(Session& session, Outbox& outbox, const PublishPlan& plan, PublishIo& io,
              bool deliver_only = false)
        : session_(session),
          outbox_(outbox),
          plan_(plan),
          io_(io),
          columns_(plan.columns),
          deliver_only_(deliver_only) {}

    PublishReport run(LineSource* input) {
        follow_stamps();
        std::vector<OutboxMessage> batch;
        for (const auto& message : plan_.messages) {
            batch.push_back(make_entry(
                {message.topic, message.payload, plan_.qos, plan_.retain, plan_.properties},
                message.payload));
        }
        commit(batch);
        bool input_open = input != nullptr && plan_.stream != PublishPlan::Stream::none;
        bool ending = false;
        Steady end_deadline{};
        for (;;) {
            const auto now = io_.clock.now();
            if (io_.stop.load() != 0 && !report_.interrupted) {
                report_.interrupted = true;
                input_open = false;
                // `outbox flush` stops at once: what it has not delivered stays in the outbox.
                const auto grace =
                    deliver_only_ ? std::chrono::milliseconds(0) : plan_.flush_timeout;
                end_deadline = ending ? std::min(end_deadline, now + grace) : now + grace;
                ending = true;
                if (grace.count() > 0 && !done() && io_.hurry != nullptr) {
                    io_.diagnostics.warn(fmt::format(
                        "interrupted: sending what was read for up to {:g} s (--flush-timeout); "
                        "interrupt again to stop now",
                        std::chrono::duration<double>(grace).count()));
                }
            }
            if (report_.interrupted && io_.hurry != nullptr && io_.hurry->load() != 0) {
                end_deadline = std::min(end_deadline, now);
            }
            if (!input_open && !ending) {
                ending = true;
                end_deadline = now + plan_.flush_timeout;
            }
            if (connected_once_) absorb(session_.take_deliveries(now));
            if (report_.connection_lost) break;
            if (!connected_once_) connect(now);
            if (gave_up_) break;
            hold(now);
            send_ready();
            if (ending && done()) break;
            if (ending && now >= end_deadline) break;

            auto wake = now + kSlice;
            if (ending) wake = std::min(wake, end_deadline);
            if (!connected_once_) wake = std::min(wake, retry_at_);
            if (paced_until_ > now) wake = std::min(wake, paced_until_);
            if (input_open) {
                input_open = read_lines(*input, wake);
            } else if (connected_once_ && !inflight_.empty()) {
                absorb(session_.take_deliveries(wake));
            } else {
                io_.clock.sleep_until(wake, kNoStop);
            }
        }
        finish();
        if (strict_error_) throw *strict_error_;
        return report_;
    }

  private:
    OutboxMessage make_entry(OutgoingMessage message, const std::string& line) {
        OutboxMessage entry;
        entry.destination = plan_.destination;
        entry.channel = plan_.channel;
        entry.accepted_at = io_.calendar.now();
        // A field-feed message is a bare value: only a channel-feed entry can carry a stamp.
        if (plan_.stamp && plan_.channel && !message.topic.ends_with("/publish/fields") &&
            message.topic.find("/publish/fields/") == std::string::npos) {
            auto stamped =
                stamper_.stamp(*plan_.channel, std::move(message.payload), entry.accepted_at);
            message.payload = std::move(stamped.payload);
            entry.created_at = std::move(stamped.stamp);
            if (!stamped.why_not.empty() && stamped.why_not != unstamped_why_) {
                unstamped_why_ = stamped.why_not;
                io_.diagnostics.note(1, stamped.why_not);
            }
        }
        entry.message = std::move(message);
        if (plan_.keep_unsent_lines) pending_lines_.push_back(line);
        return entry;
    }

    void commit(std::vector<OutboxMessage>& batch) {
        if (batch.empty()) return;
        std::vector<OutboxMessage> accepted;
        const auto count = batch.size();
        try {
            accepted = outbox_.append(std::move(batch));
        } catch (const Error& e) {
            // Not accepted: counted as not sent, and the lines are kept for --unsent.
            report_.not_sent += count;
            for (auto& line : pending_lines_) report_.unsent_lines.push_back(std::move(line));
            pending_lines_.clear();
            batch.clear();
            if (!report_.refused) io_.diagnostics.warn(e.what());
            report_.refused = true;
            return;
        }
        batch.clear();
        for (std::size_t i = 0; i < accepted.size(); ++i) {
            mine_.insert(accepted[i].id);
            if (plan_.keep_unsent_lines)
                lines_.emplace(accepted[i].id, std::move(pending_lines_[i]));
        }
        pending_lines_.clear();
    }

    // Another process may have stamped entries of the channel (its own run, killed or not).
    void follow_stamps() {
        if (plan_.stamp && plan_.channel)
            stamper_.follow(*plan_.channel, outbox_.last_stamp(*plan_.channel));
    }

    // Reads what has come, waiting until `wake` for the first line only; false at the end.
    bool read_lines(LineSource& input, Steady wake) {
        follow_stamps();
        std::vector<OutboxMessage> batch;
        const auto started = io_.clock.now();
        bool open = true;
        std::string line;
        for (;;) {
            const auto status = input.read_line(line, io_.stop, batch.empty() ? wake : started);
            if (status == LineSource::Read::end) open = false;
            if (status != LineSource::Read::line) break;
            if (strict_error_) break;
            if (auto payload = parse(line)) {
                batch.push_back(make_entry({plan_.stream_topic, std::move(*payload), plan_.qos,
                                            plan_.retain, plan_.properties},
                                           line));
            }
            if (batch.size() >= kBatch || io_.clock.now() - started >= kCommitEvery) break;
        }
        commit(batch);
        return open && !strict_error_;
    }

    std::optional<std::string> parse(const std::string& line) {
        ++line_number_;
        if (is_blank(line)) return std::nullopt;
        if (plan_.stream != PublishPlan::Stream::entries) return line;
        if (std::exchange(first_line_, false)) {
            if (auto header = parse_header_line(line)) {
                if (plan_.header_sets_columns) columns_ = std::move(*header);
                io_.diagnostics.note(
                    1, fmt::format(
                           "stdin line {} is a CSV header row{}", line_number_,
                           plan_.header_sets_columns ? ": it names the columns" : ", skipped"));
                return std::nullopt;
            }
        }
        try {
            return encode_form(parse_input_line(line, columns_));
        } catch (const Error& e) {
            if (plan_.strict) {
                // Fatal, once what was read before it has been sent.
                strict_error_ = Error(ExitCode::usage,
                                      fmt::format("stdin line {}: {}", line_number_, e.what()));
                return std::nullopt;
            }
            ++report_.skipped;
            io_.diagnostics.warn(fmt::format("stdin line {} skipped: {}", line_number_, e.what()));
            return std::nullopt;
        }
    }

    void connect(Steady now) {
        if (now < retry_at_) return;
        try {
            session_.connect();
            connected_once_ = true;
            if (!report_.unreachable.empty()) io_.diagnostics.warn("connected to the broker");
            report_.unreachable.clear();
            io_.diagnostics.note(1, "connected");
        } catch (const Error& e) {
            if (e.code() != ExitCode::network) throw;
            const bool first = report_.unreachable.empty();
            const bool changed = report_.unreachable != e.what();
            report_.unreachable = e.what();
            if (!plan_.retry_first_connect) {
                if (!plan_.durable) throw;
                gave_up_ = true;
                return;
            }
            if (changed) {
                io_.diagnostics.warn(
                    fmt::format("{}; {} (every 1 s, doubling to 60 s), reading input meanwhile",
                                e.what(), first ? "trying again" : "still trying"));
            }
            retry_at_ = now + backoff_;
            backoff_ = std::min<std::chrono::seconds>(backoff_ * 2, kLastRetry);
        }
    }

    // The right to deliver the destination's messages (the outbox's lease), renewed in time.
    void hold(Steady now) {
        if (now < hold_check_) return;
        hold_check_ = now + (holding_ ? kLease / 3 : std::chrono::seconds(1));
        if (holding_) {
            if (outbox_.renew(plan_.destination, kLease)) return;
            // Taken over (this process stalled past the lease): the other one delivers now.
            holding_ = false;
            pending_.clear();
            last_fetched_ = 0;
            io_.diagnostics.note(1, "another tsmqtt took over delivering for this broker");
        } else {
            holding_ = outbox_.acquire(plan_.destination, kLease);
        }
    }

    bool refill() {
        auto more = outbox_.next(plan_.destination, last_fetched_, kBatch);
        if (more.empty()) return false;
        last_fetched_ = more.back().id;
        for (auto& message : more) pending_.push_back(std::move(message));
        return true;
    }

    bool nothing_left() {
        return inflight_.empty() && pending_.empty() && (!holding_ || !refill());
    }

    // Whether the end may come: all sent, or (on disk) what is left is another process's to
    // deliver; `outbox flush` waits for that process to finish or hand over its lease.
    bool done() {
        if (holding_ || !plan_.durable) return nothing_left();
        if (!deliver_only_) return true;
        return outbox_.next(plan_.destination, 0, 1).empty();
    }

    // The next slot of a channel (raw messages: key 0), with the channel's last entry as the
    // outbox remembers it, which may be another process's.
    Steady& slot(const OutboxMessage& message) {
        const auto key = message.channel.value_or(0);
        auto [it, added] = slots_.try_emplace(key, Steady{});
        if (added && message.channel) {
            if (const auto last = outbox_.last_sent(*message.channel)) {
                const auto wait = *last + plan_.interval - io_.calendar.now();
                if (wait > wait.zero())
                    it->second = io_.clock.now() +
                                 std::chrono::duration_cast<std::chrono::milliseconds>(wait);
            }
        }
        return it->second;
    }

    void send_ready() {
        paced_until_ = {};
        while (connected_once_ && holding_ && session_.connected()) {
            if (pending_.empty() && !refill()) return;
            auto& message = pending_.front();
            const auto now = io_.clock.now();
            auto& next_slot = slot(message);
            const bool paced = plan_.interval.count() > 0 && (plan_.pace_raw || message.channel);
            if (paced && now < next_slot) {
                paced_until_ = next_slot;
                show_backlog(now);
                return;
            }
            const auto id = session_.publish(message.message);
            if (!id) return;
            if (paced) {
                next_slot = now + plan_.interval;
                const auto wall = io_.calendar.now();
                if (message.channel) outbox_.set_last_sent(*message.channel, wall);
                report_.last_wait = std::chrono::floor<std::chrono::seconds>(
                    std::max(wall - message.accepted_at, CalendarClock::time_point::duration{}));
            }
            inflight_.emplace(*id, std::move(message));
            pending_.pop_front();
            if (paced) show_progress();
        }
    }

    void show_backlog(Steady now) {
        const auto waiting = pending_.size();
        const auto next = std::chrono::ceil<std::chrono::seconds>(paced_until_ - now).count();
        const auto text =
            fmt::format("{} sent, {} skipped, {} waiting for --interval; next in {} s",
                        report_.sent, report_.skipped, waiting, next);
        io_.diagnostics.progress(text);
        if (waiting != shown_backlog_) {
            shown_backlog_ = waiting;
            io_.diagnostics.note(
                1, fmt::format("{} waiting for --interval; the next goes in {} s", waiting, next));
        }
    }

    void show_progress() {
        io_.diagnostics.progress(fmt::format("{} sent, {} skipped{}", report_.sent, report_.skipped,
                                             session_.connected() ? "" : " (reconnecting)"));
    }

    void absorb(const Session::Deliveries& deliveries) {
        if (deliveries.connection_losses > 0 && !plan_.reconnect) report_.connection_lost = true;
        std::vector<std::int64_t> done;
        for (const auto id : deliveries.confirmed) {
            const auto it = inflight_.find(id);
            if (it == inflight_.end()) continue;
            done.push_back(it->second.id);
            ++report_.sent;
            inflight_.erase(it);
        }
        if (!done.empty() && report_.sent / 1000 != (report_.sent - done.size()) / 1000)
            show_progress();
        bool requeued = false;
        for (const auto id : deliveries.lost) {
            auto it = inflight_.find(id);
            if (it == inflight_.end()) continue;
            // ThingSpeak keeps one copy of an entry by its created_at, a QoS 1/2 receiver
            // expects duplicates: both are sent again. Raw QoS 0 has no way to tell.
            if (it->second.channel || it->second.message.qos > 0) {
                pending_.push_back(std::move(it->second));
                requeued = true;
            } else {
                done.push_back(it->second.id);
                ++report_.not_confirmed;
            }
            inflight_.erase(it);
        }
        if (requeued) {
            std::sort(pending_.begin(), pending_.end(),
                      [](const auto& a, const auto& b) { return a.id < b.id; });
        }
        if (done.empty()) return;
        outbox_.delivered(done);
        for (const auto id : done) {
            mine_.erase(id);
            lines_.erase(id);
        }
    }

    void finish() {
        if (connected_once_ && !report_.connection_lost) {
            try {
                session_.disconnect();
            } catch (const Error& e) {
                io_.diagnostics.warn(e.what());
                report_.disconnect_failed = e.code() == ExitCode::failure;
            }
            absorb(session_.take_deliveries(io_.clock.now()));
        }
        if (holding_) outbox_.release(plan_.destination);
        // What this run accepted and the broker does not have: safe on disk, or lost with
        // the process (then written to --unsent).
        if (plan_.durable) {
            report_.queued += mine_.size();
            return;
        }
        report_.not_sent += mine_.size();
        for (const auto id : mine_) {
            if (auto it = lines_.find(id); it != lines_.end())
                report_.unsent_lines.push_back(std::move(it->second));
        }
    }

    Session& session_;
    Outbox& outbox_;
    const PublishPlan& plan_;
    PublishIo& io_;
    ColumnMap columns_;
    bool deliver_only_;
    EntryStamper stamper_;
    PublishReport report_;
    std::deque<OutboxMessage> pending_;                // fetched from the outbox, not yet taken
    std::map<std::uint64_t, OutboxMessage> inflight_;  // by session id
    std::set<std::int64_t> mine_;                      // accepted by this run, not yet sent
    std::unordered_map<std::int64_t, std::string> lines_;
    std::vector<std::string> pending_lines_;
    std::map<std::uint64_t, Steady> slots_;
    std::int64_t last_fetched_ = 0;
    std::size_t line_number_ = 0;
    std::size_t shown_backlog_ = 0;
    bool first_line_ = true;
    bool connected_once_ = false;
    bool gave_up_ = false;
    bool holding_ = false;
    std::string unstamped_why_;
    std::optional<Error> strict_error_;
    Steady retry_at_{};
    Steady hold_check_{};
    Steady paced_until_{};
    std::chrono::seconds backoff_ = kFirstRetry;
};

}  // namespace

PublishReport run_publish(Session& session, Outbox& outbox, const PublishPlan& plan,
                          LineSource* input, PublishIo& io) {
    return Publisher(session, outbox, plan, io).run(input);
}

PublishReport deliver_outbox(Session& session, Outbox& outbox, const PublishPlan& plan,
                             PublishIo& io) {
    auto only_delivery = plan;
    only_delivery.messages.clear();
    only_delivery.stream = PublishPlan::Stream::none;
    auto report = Publisher(session, outbox, only_delivery, io, true).run(nullptr);
    report.queued = 0;
    for (const auto& count : outbox.status().per_destination) {
        if (count.destination == plan.destination) report.queued += count.waiting;
    }
    return report;
}

std::string summary_line(const PublishReport& report, const PublishPlan& plan) {
    auto line = fmt::format("{} sent, {} skipped, {} not sent", report.sent, report.skipped,
                            report.not_sent);
    if (plan.durable) line += fmt::format(", {} queued in the outbox", report.queued);
    if (report.not_confirmed > 0) line += fmt::format(", {} not confirmed", report.not_confirmed);
    if (report.last_wait && report.sent > 0)
        line += fmt::format("; the last entry waited {} s", report.last_wait->count());
    return line;
}

}  // namespace tsmqtt
