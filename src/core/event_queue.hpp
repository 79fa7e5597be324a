// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hand-over of session events from the MQTT library's receiving thread to the one thread
// that writes them out. Messages are bounded: when the writer falls behind (a paused pipe, a
// slow disk), the receiving thread waits for room, so the library stops reading the socket and
// TCP slows the broker down, as it does for a single-threaded client such as mosquitto_sub.
// Unbounded, the queue would grow for as long as the reader stayed paused.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

#include "core/session.hpp"

namespace tsmqtt {

class EventQueue {
  public:
    struct Limits {
        std::size_t messages = 256;
        std::size_t bytes = 16u << 20;  // topics and payloads; one larger message still passes
    };

    // When the writer finds the queue empty it first naps, unwoken, `count` times for `length`
    // each before it asks to be woken (see event_queue.cpp). The default suits a subscriber,
    // whose messages must not wait; a reader that shows them a few times a second (tsmqtt
    // watch) can let them wait longer and be woken far less often.
    struct Naps {
        std::chrono::microseconds length{200};
        int count = 5;
    };

    EventQueue() = default;
    explicit EventQueue(Limits limits) : limits_(limits) {}
    EventQueue(Limits limits, Naps naps) : limits_(limits), naps_(naps) {}

    // A message: waits while the queue is full and back pressure is on.
    void push_message(SessionEvent event);
    // Connection events never wait: they come from the library's connection handlers.
    void push_control(SessionEvent event);

    // Off while the writer waits on the broker itself (a SUBACK, say), which the receiving
    // thread must be free to read; on again after.
    void set_back_pressure(bool on);

    // The writer is done: nothing waits any more, and later messages are dropped.
    void close();

    // The next event, or nullopt once the deadline has passed (a deadline already past polls)
    // or *stop is set. The writer takes everything queued in one go, so in a flood it locks
    // once per batch rather than once per message.
    std::optional<SessionEvent> pop(std::chrono::steady_clock::time_point deadline,
                                    const std::atomic<int>* stop);

  private:
    void push(SessionEvent event, bool may_wait);
    bool has_room() const;  // with mutex_ held

    const Limits limits_{};
    const Naps naps_{};
    std::mutex mutex_;
    std::condition_variable ready_;      // incoming_ is no longer empty
    std::condition_variable room_;       // incoming_ has room again, or waiting is off
    std::deque<SessionEvent> incoming_;  // guarded by mutex_, as are the four below
    std::size_t incoming_bytes_ = 0;
    bool back_pressure_ = true;
    bool closed_ = false;
    bool writer_asleep_ = false;      // waiting to be woken, its naps over
    std::deque<SessionEvent> taken_;  // the writer's own
    bool flooded_ = true;             // the writer's: its last naps paid, or would have
};

}  // namespace tsmqtt
