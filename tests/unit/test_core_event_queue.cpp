// SPDX-License-Identifier: Apache-2.0
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <string>
#include <thread>

#include "core/event_queue.hpp"

using namespace tsmqtt;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto kDeadline = std::chrono::seconds(10);  // for what must happen, and soon

SessionEvent message(std::string payload) {
    SessionEvent event;
    event.message.topic = "t";
    event.message.payload = std::move(payload);
    return event;
}

SessionEvent lost() {
    SessionEvent event;
    event.kind = SessionEvent::Kind::connection_lost;
    return event;
}

std::string next_payload(EventQueue& queue) {
    const auto event = queue.pop(steady::now() + kDeadline, nullptr);
    REQUIRE(event);
    return event->message.payload;
}

// Starts a producer that pushes one message past a full queue: it must wait.
std::future<void> push_in_background(EventQueue& queue, std::string payload) {
    return std::async(std::launch::async,
                      [&queue, payload] { queue.push_message(message(payload)); });
}

bool finishes(std::future<void>& done) {
    return done.wait_for(kDeadline) == std::future_status::ready;
}

}  // namespace

TEST_CASE("events come out in the order they went in", "[event_queue]") {
    EventQueue queue;
    queue.push_message(message("1"));
    queue.push_control(lost());
    queue.push_message(message("2"));
    CHECK(next_payload(queue) == "1");
    const auto control = queue.pop(steady::now() + kDeadline, nullptr);
    REQUIRE(control);
    CHECK(control->kind == SessionEvent::Kind::connection_lost);
    CHECK(next_payload(queue) == "2");
    CHECK_FALSE(queue.pop(steady::now(), nullptr));  // a deadline already past polls
}

TEST_CASE("a stop request ends the wait for an event", "[event_queue]") {
    EventQueue queue;
    const std::atomic<int> stop{2};
    CHECK_FALSE(queue.pop(steady::time_point::max(), &stop));
}

TEST_CASE("a producer never runs more than two batches ahead of the writer", "[event_queue]") {
    constexpr std::size_t kLimit = 8;
    constexpr int kMessages = 5'000;
    EventQueue queue({kLimit, 1u << 20});
    std::atomic<int> pushed{0};
    auto producer = std::async(std::launch::async, [&] {
        for (int i = 0; i < kMessages; ++i) {
            queue.push_message(message(std::to_string(i)));
            ++pushed;
        }
    });
    int popped = 0;
    int most_ahead = 0;
    while (popped < kMessages) {
        // The writer holds at most one batch; the queue behind it holds at most one more.
        most_ahead = std::max(most_ahead, pushed.load() - popped);
        REQUIRE(next_payload(queue) == std::to_string(popped));
        ++popped;
    }
    REQUIRE(finishes(producer));
    CHECK(most_ahead <= static_cast<int>(2 * kLimit));
}

TEST_CASE("a full queue makes a message wait until the writer takes a batch", "[event_queue]") {
    EventQueue queue({1, 1u << 20});
    queue.push_message(message("first"));  // an empty queue always has room
    auto second = push_in_background(queue, "second");
    CHECK(next_payload(queue) == "first");
    REQUIRE(finishes(second));
    CHECK(next_payload(queue) == "second");
}

TEST_CASE("the byte limit counts topics and payloads, and one big message still passes",
          "[event_queue]") {
    EventQueue queue({1000, 10});
    queue.push_message(message(std::string(100, 'x')));
    auto second = push_in_background(queue, "small");
    CHECK(next_payload(queue).size() == 100);
    REQUIRE(finishes(second));
    CHECK(next_payload(queue) == "small");
}

TEST_CASE("connection events never wait for room", "[event_queue]") {
    EventQueue queue({1, 1u << 20});
    queue.push_message(message("full"));
    auto control = std::async(std::launch::async, [&] { queue.push_control(lost()); });
    REQUIRE(finishes(control));
    CHECK(next_payload(queue) == "full");
    CHECK(queue.pop(steady::now(), nullptr)->kind == SessionEvent::Kind::connection_lost);
}

TEST_CASE("with back pressure off, messages pass a full queue", "[event_queue]") {
    EventQueue queue({1, 1u << 20});
    queue.push_message(message("1"));
    auto waiting = push_in_background(queue, "2");
    queue.set_back_pressure(false);  // releases the one already waiting
    REQUIRE(finishes(waiting));
    queue.push_message(message("3"));
    CHECK(next_payload(queue) == "1");
    CHECK(next_payload(queue) == "2");
    CHECK(next_payload(queue) == "3");
}

TEST_CASE("closing releases a waiting producer and drops later messages", "[event_queue]") {
    EventQueue queue({1, 1u << 20});
    queue.push_message(message("1"));
    auto waiting = push_in_background(queue, "2");
    queue.close();
    REQUIRE(finishes(waiting));
    queue.push_message(message("3"));
    CHECK_FALSE(queue.pop(steady::now(), nullptr));
}

TEST_CASE("a patient writer takes what came during its nap in one batch, and stops when told",
          "[event_queue]") {
    using namespace std::chrono_literals;
    EventQueue queue(EventQueue::Limits{}, EventQueue::Naps{300ms, 1});
    auto producer = std::async(std::launch::async, [&queue] {
        std::this_thread::sleep_for(20ms);  // the writer is napping by now
        for (const char* payload : {"a", "b", "c"}) queue.push_message(message(payload));
    });
    const auto started = steady::now();
    CHECK(next_payload(queue) == "a");
    CHECK(next_payload(queue) == "b");
    CHECK(next_payload(queue) == "c");
    // Unwoken, the writer came back when its nap was over: the three were one batch.
    CHECK(steady::now() - started >= 250ms);
    producer.get();
    // After an empty nap it sleeps until woken; a stop request still ends the wait.
    std::atomic<int> stop{0};
    auto stopper = std::async(std::launch::async, [&stop] {
        std::this_thread::sleep_for(400ms);
        stop = 1;
    });
    CHECK_FALSE(queue.pop(steady::now() + kDeadline, &stop));
    stopper.get();
}
