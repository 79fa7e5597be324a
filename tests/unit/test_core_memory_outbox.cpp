// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/memory_outbox.hpp"

using namespace tsmqtt;

namespace {
OutboxMessage to(const std::string& destination, const std::string& payload) {
    OutboxMessage message;
    message.destination = destination;
    message.message = {"t", payload};
    return message;
}
}  // namespace

TEST_CASE("the memory outbox keeps messages in order per destination until delivered", "[outbox]") {
    MemoryOutbox outbox;
    const auto accepted = outbox.append({to("a", "1"), to("b", "2"), to("a", "3")});
    REQUIRE(accepted.size() == 3);
    CHECK(accepted[0].id < accepted[2].id);
    auto next = outbox.next("a", 0, 10);
    REQUIRE(next.size() == 2);
    CHECK(next[1].message.payload == "3");
    CHECK(outbox.next("a", next[0].id, 10).size() == 1);
    outbox.delivered({next[0].id});
    CHECK(outbox.next("a", 0, 10).front().message.payload == "3");
    CHECK(outbox.status().waiting == 2);
    CHECK(outbox.status().per_destination.size() == 2);
    CHECK(outbox.clear() == 2);
    CHECK(outbox.status().waiting == 0);
}

TEST_CASE("a full memory outbox refuses new messages, never drops old ones", "[outbox]") {
    MemoryOutbox outbox(2);
    outbox.append({to("a", "1"), to("a", "2")});
    try {
        outbox.append({to("a", "3")});
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::failure);
    }
    CHECK(outbox.list(10).size() == 2);
}

TEST_CASE("one deliverer holds a destination at a time; channels remember their last entry",
          "[outbox]") {
    MemoryOutbox outbox;
    CHECK(outbox.acquire("a", std::chrono::seconds(30)));
    CHECK_FALSE(outbox.acquire("a", std::chrono::seconds(30)));
    CHECK(outbox.acquire("b", std::chrono::seconds(30)));
    outbox.release("a");
    CHECK(outbox.acquire("a", std::chrono::seconds(30)));
    CHECK_FALSE(outbox.last_sent(7));
    const auto when = WallClock::now();
    outbox.set_last_sent(7, when);
    CHECK(outbox.last_sent(7) == when);
}
