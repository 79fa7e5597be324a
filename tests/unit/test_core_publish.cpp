// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/memory_outbox.hpp"
#include "core/publish.hpp"
#include "fake_session.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;

namespace {

struct Rig {
    Rig() { session.clock = &clock; }
    FakeSession session;
    FakeClock clock;
    FakeCalendar calendar;
    RecordingDiagnostics diagnostics;
    MemoryOutbox outbox;
    std::atomic<int> stop{0};
    PublishIo io{clock, calendar, diagnostics, stop};

    PublishReport run(const PublishPlan& plan, std::vector<std::string> lines = {},
                      std::optional<std::size_t> stop_after = std::nullopt) {
        StringLines input(std::move(lines), stop_after ? &stop : nullptr, stop_after.value_or(0));
        return run_publish(session, outbox, plan, &input, io);
    }
};

PublishPlan entry_stream() {
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::entries;
    plan.stream_topic = "channels/7/publish";
    return plan;
}

}  // namespace

TEST_CASE("one-shot messages are published in order", "[publish]") {
    Rig rig;
    PublishPlan plan;
    plan.messages = {{"a", "1"}, {"b", "2"}};
    plan.qos = 1;
    plan.retain = true;
    const auto report = rig.run(plan);
    REQUIRE(rig.session.published.size() == 2);
    CHECK(rig.session.published[1].topic == "b");
    CHECK(rig.session.published[1].payload == "2");
    CHECK(rig.session.published[0].qos == 1);
    CHECK(rig.session.published[0].retain);
    CHECK(report.sent == 2);
}

TEST_CASE("a line stream publishes each entry, skips blank and bad lines with their numbers",
          "[publish]") {
    Rig rig;
    const auto report =
        rig.run(entry_stream(), {"1,2", "", "field9=1", "status=ok", "{\"field3\": 3}", "7"});
    REQUIRE(rig.session.published.size() == 4);
    CHECK(rig.session.published[0].payload == "field1=1&field2=2");
    CHECK(rig.session.published[1].payload == "status=ok");
    CHECK(rig.session.published[2].payload == "field3=3");
    CHECK(rig.session.published[3].payload == "field1=7");
    CHECK(rig.session.published[3].topic == "channels/7/publish");
    CHECK(report.sent == 4);
    CHECK(report.skipped == 1);
    REQUIRE(rig.diagnostics.warnings.size() == 1);
    CHECK_THAT(rig.diagnostics.warnings[0],
               Catch::StartsWith("stdin line 3 skipped: unknown parameter 'field9'"));
}

TEST_CASE("strict mode makes a bad line fatal with exit 2", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.strict = true;
    try {
        rig.run(plan, {"1", "lat=100", "2"});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK_THAT(e.what(), Catch::StartsWith("stdin line 2: invalid lat '100'"));
    }
    CHECK(rig.session.published.size() == 1);
}

TEST_CASE("raw lines are published verbatim", "[publish]") {
    Rig rig;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    const auto report = rig.run(plan, {"a b", "  ", "field1=x&y", "{not json"});
    REQUIRE(rig.session.published.size() == 3);
    CHECK(rig.session.published[1].payload == "field1=x&y");
    CHECK(rig.session.published[2].payload == "{not json");
    CHECK(report.skipped == 0);
}

TEST_CASE("the interval spaces the messages and never drops one", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(15);
    plan.flush_timeout = std::chrono::seconds(60);
    const auto report = rig.run(plan, {"1", "2", "3"});
    REQUIRE(rig.session.published_at.size() == 3);
    CHECK(rig.session.published_at[1] - rig.session.published_at[0] == std::chrono::seconds(15));
    CHECK(rig.session.published_at[2] - rig.session.published_at[1] == std::chrono::seconds(15));
    CHECK(report.sent == 3);
    CHECK(report.last_wait == std::chrono::seconds(0));  // the fake calendar stands still
    CHECK(summary_line(report, plan) == "3 sent, 0 skipped, 0 not sent; the last entry waited 0 s");
}

TEST_CASE("paced entries are not rushed: what the flush timeout leaves is not sent", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(15);
    plan.flush_timeout = std::chrono::seconds(20);
    plan.keep_unsent_lines = true;
    const auto report = rig.run(plan, {"1", "2", "3", "4"});
    CHECK(rig.session.published.size() == 2);
    CHECK(report.sent == 2);
    CHECK(report.not_sent == 2);
    CHECK(report.unsent_lines == std::vector<std::string>{"3", "4"});
}

TEST_CASE("a stop signal ends reading; what was read is still sent within the flush timeout",
          "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(10);
    plan.flush_timeout = std::chrono::seconds(15);
    plan.keep_unsent_lines = true;
    const auto report = rig.run(plan, {"1", "2", "3", "4", "5"}, 3);
    CHECK(report.interrupted);
    CHECK(rig.session.published.size() == 2);  // at 0 s and 10 s; the third would be at 20 s
    CHECK(report.sent == 2);
    CHECK(report.not_sent == 1);
    CHECK(report.unsent_lines == std::vector<std::string>{"3"});
    CHECK(summary_line(report, plan) == "2 sent, 0 skipped, 1 not sent; the last entry waited 0 s");
}

TEST_CASE("a second signal ends the flush the first one began, counting what was not sent",
          "[publish]") {
    for (const int second : {0, 1}) {
        Rig rig;
        std::atomic<int> hurry{second};
        rig.io.hurry = &hurry;
        rig.session.confirm = false;  // a broker out of reach: nothing is ever confirmed
        PublishPlan plan;
        plan.stream = PublishPlan::Stream::raw_lines;
        plan.stream_topic = "t";
        plan.flush_timeout = std::chrono::seconds(60);
        plan.keep_unsent_lines = true;
        const auto started = rig.clock.current;
        const auto report = rig.run(plan, {"a", "b", "c"}, 2);
        INFO("second signal: " << second);
        CHECK(report.interrupted);
        CHECK(report.sent == 0);
        CHECK(report.not_sent == 2);
        CHECK(report.unsent_lines == std::vector<std::string>{"a", "b"});
        const auto waited = rig.clock.current - started;
        if (second != 0) {
            CHECK(waited < std::chrono::seconds(1));
        } else {
            CHECK(waited >= std::chrono::seconds(60));
        }
    }
}

TEST_CASE("sent means confirmed: a broker that never confirms gets nothing counted", "[publish]") {
    Rig rig;
    rig.session.confirm = false;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    plan.flush_timeout = std::chrono::seconds(5);
    const auto report = rig.run(plan, {"a", "b"});
    CHECK(rig.session.published.size() == 2);
    CHECK(report.sent == 0);
    CHECK(report.not_sent == 2);
}

TEST_CASE("what a dead connection held is sent again for ThingSpeak and QoS 1, in order",
          "[publish]") {
    Rig rig;
    rig.session.lose_after = 2;
    auto plan = entry_stream();
    plan.stamp = true;
    plan.channel = 7;
    plan.interval = std::chrono::milliseconds(0);
    const auto report = rig.run(plan, {"1", "2", "3"});
    REQUIRE(rig.session.published.size() == 5);
    // The copies carry the stamps of the first attempt: ThingSpeak keeps one of each.
    CHECK(rig.session.published[2].payload == rig.session.published[0].payload);
    CHECK(rig.session.published[3].payload == rig.session.published[1].payload);
    CHECK_THAT(rig.session.published[4].payload, Catch::StartsWith("field1=3&created_at="));
    CHECK(report.sent == 3);
    CHECK(report.not_sent == 0);
    CHECK(report.not_confirmed == 0);

    Rig raw1;
    raw1.session.lose_after = 1;
    PublishPlan qos1;
    qos1.messages = {{"t", "x"}};
    qos1.qos = 1;
    CHECK(raw1.run(qos1).sent == 1);
    CHECK(raw1.session.published.size() == 2);
}

TEST_CASE("raw QoS 0 written into a dead connection is counted not confirmed", "[publish]") {
    Rig rig;
    rig.session.lose_after = 2;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    const auto report = rig.run(plan, {"a", "b", "c"});
    CHECK(rig.session.published.size() == 3);
    CHECK(report.sent == 1);
    CHECK(report.not_confirmed == 2);
    CHECK(summary_line(report, plan) == "1 sent, 0 skipped, 0 not sent, 2 not confirmed");
}

TEST_CASE("without reconnecting, the first loss ends the run and stops reading", "[publish]") {
    Rig rig;
    rig.session.lose_after = 1;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    plan.reconnect = false;
    plan.keep_unsent_lines = true;
    std::vector<std::string> lines(2000, "x");
    const auto report = rig.run(plan, lines);
    CHECK(report.connection_lost);
    CHECK(report.not_confirmed == 1);
    CHECK(report.not_sent + report.not_confirmed + report.sent < 2000);  // reading stopped
    CHECK(report.unsent_lines.size() == report.not_sent);
}

TEST_CASE("a stream that cannot connect keeps trying with backoff, reading meanwhile",
          "[publish]") {
    Rig rig;
    rig.session.connect_failures = 3;
    rig.session.up = false;
    auto plan = entry_stream();
    plan.retry_first_connect = true;
    plan.interval = std::chrono::milliseconds(0);
    const auto start = rig.clock.now();
    const auto report = rig.run(plan, {"1", "2"});
    CHECK(rig.session.connects == 4);
    CHECK(rig.clock.now() - start >= std::chrono::seconds(1 + 2 + 4));
    CHECK(report.sent == 2);
    REQUIRE(rig.diagnostics.warnings.size() == 2);  // once, then "connected"
    CHECK_THAT(rig.diagnostics.warnings[0],
               Catch::StartsWith("cannot reach broker: connection refused; trying again"));
    CHECK(rig.diagnostics.warnings[1] == "connected to the broker");
}

TEST_CASE("a one-shot that cannot connect fails at once with exit 3", "[publish]") {
    Rig rig;
    rig.session.connect_failures = 1;
    PublishPlan plan;
    plan.messages = {{"t", "x"}};
    try {
        rig.run(plan);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::network);
    }
    CHECK(rig.session.connects == 1);
}

TEST_CASE("stream entries are stamped with their reading time, unique per channel", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.stamp = true;
    plan.channel = 7;
    plan.interval = std::chrono::milliseconds(0);
    rig.run(plan, {"1", "2", "created_at=2025-01-01T00:00:00Z&field1=3"});
    REQUIRE(rig.session.published.size() == 3);
    CHECK(rig.session.published[0].payload == "field1=1&created_at=2026-12-02T00%3A00%3A00Z");
    CHECK(rig.session.published[1].payload == "field1=2&created_at=2026-12-02T00%3A00%3A01Z");
    CHECK(rig.session.published[2].payload == "field1=3&created_at=2025-01-01T00%3A00%3A00Z");
}

TEST_CASE("a CSV header row as line 1 names the columns", "[publish]") {
    Rig rig;
    rig.run(entry_stream(), {"", "status, field2 ,-", "ok,5,ignored", "field1,status"});
    REQUIRE(rig.session.published.size() == 2);
    CHECK(rig.session.published[0].payload == "field2=5&status=ok");
    // Only line 1 can be a header: later, names are values.
    CHECK(rig.session.published[1].payload == "field2=status&status=field1");
}

TEST_CASE("with explicit columns a header row is skipped, not sent", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.columns = parse_columns("field3");
    plan.header_sets_columns = false;
    rig.run(plan, {"field1", "7"});
    REQUIRE(rig.session.published.size() == 1);
    CHECK(rig.session.published[0].payload == "field3=7");
}

TEST_CASE("a second run through one outbox stamps after the first run's stamps", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.stamp = true;
    plan.channel = 7;
    plan.durable = true;
    rig.run(plan, {"1", "2", "3"});  // stamps 00:00:00 to 00:00:02, the calendar standing still
    Rig later;
    // The same outbox, another process: it knows the channel's latest stamp.
    PublishReport report;
    {
        PublishIo io{later.clock, later.calendar, later.diagnostics, later.stop};
        StringLines input({"4"}, nullptr, 0);
        report = run_publish(later.session, rig.outbox, plan, &input, io);
    }
    REQUIRE_FALSE(later.session.published.empty());
    CHECK(later.session.published.back().payload == "field1=4&created_at=2026-12-02T00%3A00%3A03Z");
    CHECK(report.sent >= 1);
}

TEST_CASE("outbox flush delivers what waits, pacing only the channel's entries", "[publish]") {
    Rig rig;
    auto entry = [](std::string topic, std::string payload, std::optional<std::uint64_t> channel) {
        OutboxMessage message;
        message.destination = "tcp://b:1883";
        message.message = OutgoingMessage(std::move(topic), std::move(payload), 0);
        message.channel = channel;
        return message;
    };
    rig.outbox.append({entry("channels/7/publish", "field1=1", 7), entry("raw/a", "a", {}),
                       entry("raw/b", "b", {}), entry("channels/7/publish", "field1=2", 7),
                       entry("channels/7/publish", "field1=3", 7), entry("other", "x", {})});
    rig.outbox.append({[&] {
        auto elsewhere = entry("raw/c", "c", {});
        elsewhere.destination = "tcp://other:1883";
        return elsewhere;
    }()});
    PublishPlan plan;
    plan.destination = "tcp://b:1883";
    plan.durable = true;
    plan.pace_raw = false;
    plan.interval = std::chrono::seconds(15);
    const auto report = deliver_outbox(rig.session, rig.outbox, plan, rig.io);
    REQUIRE(rig.session.published.size() == 6);
    std::vector<std::string> order;
    for (const auto& message : rig.session.published) order.push_back(message.payload);
    CHECK(order == std::vector<std::string>{"field1=1", "a", "b", "field1=2", "field1=3", "x"});
    const auto& at = rig.session.published_at;
    CHECK(at[1] == at[0]);  // raw messages do not wait for the channel's interval
    CHECK(at[3] - at[0] == std::chrono::seconds(15));
    CHECK(at[4] - at[3] == std::chrono::seconds(15));
    CHECK(report.sent == 6);
    CHECK(report.queued == 0);  // the other broker's message is not this flush's
    CHECK(rig.outbox.status().waiting == 1);
}

TEST_CASE("outbox flush waits while another deliverer holds the lease", "[publish]") {
    Rig rig;
    OutboxMessage message;
    message.destination = "tcp://b:1883";
    message.message = OutgoingMessage("raw/a", "a", 1);
    rig.outbox.append({message});
    REQUIRE(rig.outbox.acquire("tcp://b:1883", std::chrono::seconds(30)));  // "another process"
    PublishPlan plan;
    plan.destination = "tcp://b:1883";
    plan.durable = true;
    plan.flush_timeout = std::chrono::seconds(5);
    const auto report = deliver_outbox(rig.session, rig.outbox, plan, rig.io);
    CHECK(rig.session.published.empty());
    CHECK(report.sent == 0);
    CHECK(report.queued == 1);  // still waiting when the timeout came
    CHECK(rig.clock.now() - FakeClock().now() >= std::chrono::seconds(5));
}
