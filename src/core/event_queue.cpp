#include "core/event_queue.hpp"

#include <algorithm>

namespace tsmqtt {

namespace {

// How often a waiting writer looks at the stop flag, which a signal handler sets.
constexpr auto kStopPoll = std::chrono::milliseconds(100);

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
    bool was_empty = false;
    {
        std::unique_lock lock(mutex_);
        if (may_wait) room_.wait(lock, [this] { return has_room(); });
        if (closed_ && event.kind == SessionEvent::Kind::message) return;
        was_empty = incoming_.empty();
        incoming_bytes_ += size_of(event);
        incoming_.push_back(std::move(event));
    }
    if (was_empty) ready_.notify_one();  // the writer waits only for an empty queue
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
            while (incoming_.empty()) {
                if (stop != nullptr && stop->load() != 0) return std::nullopt;
                const auto now = steady::now();
                if (now >= deadline) return std::nullopt;
                ready_.wait_until(lock, std::min(deadline, now + kStopPoll));
            }
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
