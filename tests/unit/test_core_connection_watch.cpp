// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/connection_watch.hpp"

using namespace tsmqtt;

namespace {
SessionEvent lost(std::string detail = {}) {
    SessionEvent event;
    event.kind = SessionEvent::Kind::connection_lost;
    event.detail = std::move(detail);
    return event;
}
SessionEvent back() {
    SessionEvent event;
    event.kind = SessionEvent::Kind::reconnected;
    return event;
}
}  // namespace

TEST_CASE("connection changes are described for stderr", "[connection_watch]") {
    ConnectionWatch watch("dev-1");
    const auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
    CHECK(watch.describe(lost("socket closed"), t0) ==
          "connection to the broker lost (socket closed); reconnecting");
    CHECK(watch.describe(back(), t0 + std::chrono::seconds(1)) == "reconnected to the broker");
    // A loss long after the reconnect is an ordinary outage.
    CHECK(watch.describe(lost(), t0 + std::chrono::seconds(60)) ==
          "connection to the broker lost; reconnecting");
}

TEST_CASE("a connection lost right after each reconnect points at a client-ID takeover",
          "[connection_watch]") {
    ConnectionWatch watch("dev-1");
    const auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
    watch.describe(lost(), t0);
    watch.describe(back(), t0 + std::chrono::seconds(1));
    // One quick loss may be a broker restarting twice: no hint yet.
    CHECK(watch.describe(lost(), t0 + std::chrono::seconds(2)) ==
          "connection to the broker lost; reconnecting");
    watch.describe(back(), t0 + std::chrono::seconds(3));
    const auto line = watch.describe(lost(), t0 + std::chrono::seconds(4));
    CHECK_THAT(line, Catch::Contains("is another client using the client ID 'dev-1'?"));
    CHECK_THAT(line, Catch::EndsWith("; reconnecting"));
}

TEST_CASE("under MQTT 5 the broker's DISCONNECT reason decides the takeover hint",
          "[connection_watch]") {
    ConnectionWatch watch("dev-1");
    const auto t0 = std::chrono::steady_clock::time_point(std::chrono::seconds(100));
    auto taken = lost("the broker said 142 (0x8E) session taken over");
    taken.disconnect_reason = 0x8E;
    // At the first loss: the broker has said why.
    CHECK_THAT(watch.describe(taken, t0),
               Catch::Contains("another client connected with the client ID 'dev-1'") &&
                   Catch::Contains("a second MQTT device, or -i ID"));
    // Any other reason rules a takeover out, however often the loss repeats.
    auto busy = lost("the broker said 137 (0x89) server busy");
    busy.disconnect_reason = 0x89;
    for (int i = 1; i <= 3; ++i) {
        watch.describe(back(), t0 + std::chrono::seconds(2 * i));
        CHECK_THAT(watch.describe(busy, t0 + std::chrono::seconds(2 * i + 1)),
                   !Catch::Contains("client ID"));
    }
}
