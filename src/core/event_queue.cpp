// SPDX-License-Identifier: Apache-2.0
#include "core/event_queue.hpp"

#include <algorithm>

namespace tsmqtt {

namespace {

// How often a waiting writer looks at the stop flag, which a signal handler sets.
constexpr auto kStopPoll = std::chrono::milliseconds(100);

// A writer that finds the queue empty first naps a few times, unwoken, before it asks to be
// woken (Naps: by default five of 200 µs). In a flood, waking the writer for each message cost
// the receiving thread (the bottleneck) a system call per message; a nap costs the writer one
// per batch instead, and delays a message by at most a nap. After its naps the writer sleeps
// until woken, so an idle subscriber stays idle. Naps pay only when messages come faster than
// they last: when the writer's last naps found nothing and it then waited longer than they
// would have lasted (messages a few milliseconds apart at 100 a second), the next wait skips
// them, sparing a wake-up per nap for nothing.

std::size_t size_of(const SessionEvent& event) {
    return event.message.topic.size() + event.message.payload.size();
}

}  // namespace

void EventQueue::push_message(SessionEvent event) {
    push(std::move(event), true);
}

void EventQueue::push_control(SessionEvent event) {
    push(std::move(event), false);
}

bool EventQueue::has_room() const {
    return closed_ || !back_pressure_ || incoming_.empty() ||
           (incoming_.size() < limits_.messages && incoming_bytes_ < limits_.bytes);
}

void EventQueue::push(SessionEvent event, bool may_wait) {
    bool wake = false;
    {
        std::unique_lock lock(mutex_);
        if (may_wait) room_.wait(lock, [this] { return has_room(); });
        if (closed_ && event.kind == SessionEvent::Kind::message) return;
        wake = incoming_.empty() && writer_asleep_;
        incoming_bytes_ += size_of(event);
        incoming_.push_back(std::move(event));
    }
    if (wake) ready_.notify_one();
}

void EventQueue::set_back_pressure(bool on) {
    {
        std::lock_guard lock(mutex_);
        back_pressure_ = on;
    }
    room_.notify_all();
}

void EventQueue::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        incoming_.clear();
        incoming_bytes_ = 0;
    }
    room_.notify_all();
}

std::optional<SessionEvent> EventQueue::pop(std::chrono::steady_clock::time_point deadline,
                                            const std::atomic<int>* stop) {
    using steady = std::chrono::steady_clock;
    if (taken_.empty()) {
        {
            std::unique_lock lock(mutex_);
            auto waited_from = steady::time_point{};
            bool slept = false;  // asked to be woken, its naps over or skipped
            for (int naps = flooded_ ? 0 : naps_.count; incoming_.empty();) {
                if (stop != nullptr && stop->load() != 0) return std::nullopt;
                const auto now = steady::now();
                if (now >= deadline) return std::nullopt;
                if (waited_from == steady::time_point{}) waited_from = now;
                if (naps < naps_.count) {
                    ++naps;
                    ready_.wait_until(lock, std::min(deadline, now + naps_.length));
                    continue;
                }
                writer_asleep_ = true;
                slept = true;
                ready_.wait_until(lock, std::min(deadline, now + kStopPoll));
                writer_asleep_ = false;
            }
            // A nap found messages, or a message woke the writer sooner than its naps would have
            // lasted: the next wait naps.
            flooded_ = !slept || steady::now() - waited_from < naps_.length * naps_.count;
            taken_.swap(incoming_);
            incoming_bytes_ = 0;
        }
        room_.notify_all();
    }
    auto event = std::move(taken_.front());
    taken_.pop_front();
    return event;
}

}  // namespace tsmqtt
