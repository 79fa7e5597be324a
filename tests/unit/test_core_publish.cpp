#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/publish.hpp"
#include "fake_session.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;

namespace {

struct Rig {
    FakeSession session;
    FakeClock clock;
    RecordingDiagnostics diagnostics;
    std::atomic<int> stop{0};

    PublishReport run(const PublishPlan& plan, std::vector<std::string> lines = {}) {
        StringLines input(std::move(lines));
        return run_publish(session, plan, &input, clock, diagnostics, stop);
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
    rig.run(plan, {"1", "2", "3"});
    CHECK(rig.session.published.size() == 3);
    REQUIRE(rig.clock.sleeps.size() == 2);
    CHECK(rig.clock.sleeps[0] == std::chrono::seconds(15));
    CHECK(rig.clock.sleeps[1] == std::chrono::seconds(15));
}

TEST_CASE("a stop signal ends the stream and is reported", "[publish]") {
    Rig rig;
    rig.stop = 2;
    const auto report = rig.run(entry_stream(), {"1", "2"});
    CHECK(rig.session.published.empty());
    CHECK(report.interrupted);
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
