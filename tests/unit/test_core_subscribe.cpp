// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/subscribe.hpp"
#include "fake_session.hpp"
#include "format/formatter.hpp"
#include "format/formatting_sink.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;

namespace {

class StringOutput final : public Output {
  public:
    bool write(std::string_view text) override {
        if (closed_after && writes >= *closed_after) return false;
        ++writes;
        text_ += text;
        return true;
    }
    std::string text_;
    std::size_t writes = 0;
    std::optional<std::size_t> closed_after;
};

// The fake clock advances on every poll so --timeout can elapse.
class TickingClock final : public MonotonicClock {
  public:
    time_point now() const override {
        current += std::chrono::milliseconds(100);
        return current;
    }
    bool sleep_until(time_point, const std::atomic<int>&) override { return true; }
    mutable time_point current{};
};

constexpr const char* kEntry =
    R"({"channel_id":7,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":null,"field2":"21"})";

// A fixed time of day, so that received_at comes from the clock the loop is given.
class FixedCalendar final : public CalendarClock {
  public:
    time_point now() const override { return at; }
    time_point at = std::chrono::sys_days{std::chrono::year{2021} / 12 / 11} +
                    std::chrono::hours{5} + std::chrono::minutes{35} + std::chrono::seconds{31};
};

struct Rig {
    FakeSession session;
    TickingClock clock;
    FixedCalendar wall_clock;
    RecordingDiagnostics diagnostics;
    StringOutput out;
    std::atomic<int> stop{0};

    ExitCode run(SubscribePlan plan, Format format = Format::csv) {
        FormatOptions options;
        options.format = format;
        const auto formatter = make_formatter(options);
        FormattingSink sink(*formatter, out);
        return run_subscribe(session, plan, sink, clock, wall_clock, diagnostics, stop);
    }
};

SubscribePlan plan_for(std::size_t count) {
    SubscribePlan plan;
    plan.filters = {"channels/7/subscribe"};
    plan.count = count;
    return plan;
}

}  // namespace

TEST_CASE("updates are written with a CSV header, and --count ends the run", "[subscribe]") {
    Rig rig;
    rig.session.add_message("channels/7/subscribe", kEntry);
    rig.session.add_message("channels/7/subscribe", kEntry);
    rig.session.add_message("channels/7/subscribe", kEntry);
    CHECK(rig.run(plan_for(2)) == ExitCode::ok);
    CHECK(rig.out.text_ ==
          "created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
          "latitude,longitude,"
          "elevation,status\n"
          "2021-12-11T05:35:31Z,7,797,,21,,,,,,,,,,\n"
          "2021-12-11T05:35:31Z,7,797,,21,,,,,,,,,,\n");
    CHECK(rig.session.events.size() == 1);
}

TEST_CASE("a malformed message is reported and skipped, never fatal", "[subscribe]") {
    Rig rig;
    rig.session.add_message("channels/7/subscribe", "{not json");
    rig.session.add_message("channels/7/subscribe", kEntry);
    CHECK(rig.run(plan_for(1)) == ExitCode::ok);
    REQUIRE(rig.diagnostics.warnings.size() == 1);
    CHECK_THAT(rig.diagnostics.warnings[0],
               Catch::StartsWith("skipped a malformed message on 'channels/7/subscribe'"));
    CHECK_THAT(rig.out.text_, Catch::EndsWith("797,,21,,,,,,,,,,\n"));
}

TEST_CASE("the timeout ends the run with exit 6", "[subscribe]") {
    Rig rig;
    auto plan = plan_for(5);
    plan.timeout = std::chrono::seconds(2);
    CHECK(rig.run(plan) == ExitCode::timeout);
}

TEST_CASE("a closed output ends the run quietly with exit 0", "[subscribe]") {
    Rig rig;
    rig.out.closed_after = 2;  // the header and one row
    for (int i = 0; i < 5; ++i) rig.session.add_message("channels/7/subscribe", kEntry);
    CHECK(rig.run(plan_for(5)) == ExitCode::ok);
    CHECK(rig.session.events.size() == 3);
    CHECK(rig.diagnostics.warnings.empty());
}

TEST_CASE("after a reconnect the subscriptions are made again", "[subscribe]") {
    Rig rig;
    SessionEvent lost;
    lost.kind = SessionEvent::Kind::connection_lost;
    lost.detail = "broker went away";
    SessionEvent back;
    back.kind = SessionEvent::Kind::reconnected;
    rig.session.events.push_back(lost);
    rig.session.events.push_back(back);
    rig.session.add_message("channels/7/subscribe", kEntry);
    CHECK(rig.run(plan_for(1)) == ExitCode::ok);
    REQUIRE(rig.session.subscriptions.size() == 1);
    CHECK(rig.session.subscriptions[0] == std::vector<std::string>{"channels/7/subscribe"});
    REQUIRE(rig.diagnostics.warnings.size() == 2);
    CHECK(rig.diagnostics.warnings[0] ==
          "connection to the broker lost (broker went away); reconnecting");
    CHECK(rig.diagnostics.warnings[1] == "reconnected to the broker and subscribed again");
}

TEST_CASE("with reconnecting off a lost connection is exit 3", "[subscribe]") {
    Rig rig;
    SessionEvent lost;
    lost.kind = SessionEvent::Kind::connection_lost;
    rig.session.events.push_back(lost);
    auto plan = plan_for(1);
    plan.reconnect = false;
    try {
        rig.run(plan);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::network);
        CHECK(std::string(e.what()) == "connection lost");
    }
}

TEST_CASE("messages are classified by topic", "[subscribe]") {
    const auto now = std::chrono::system_clock::now();
    const auto field =
        to_update({"channels/7/subscribe/fields/field3", "12.5", 0, false}, false, now);
    REQUIRE(std::holds_alternative<FieldUpdate>(field));
    CHECK(std::get<FieldUpdate>(field).field.value() == 3);
    CHECK(std::get<FieldUpdate>(field).channel_id == 7);
    const auto channel =
        to_update({"channels/7/subscribe", R"({"field1":"1"})", 0, false}, false, now);
    REQUIRE(std::holds_alternative<ChannelUpdate>(channel));
    CHECK(std::get<ChannelUpdate>(channel).entry.channel_id ==
          7u);  // taken from the topic when missing
    const auto raw = to_update({"channels/7/subscribe", "x", 1, true}, true, now);
    REQUIRE(std::holds_alternative<RawUpdate>(raw));
    CHECK(std::get<RawUpdate>(raw).qos == 1);
    CHECK_THROWS_AS(to_update({"channels/7/subscribe", "[]", 0, false}, false, now), Error);
}

TEST_CASE("legacy topics with a read key are classified too", "[subscribe]") {
    const auto now = std::chrono::system_clock::now();
    const auto channel =
        to_update({"channels/7/subscribe/json/READKEY", R"({"field2":"5"})", 0, false}, false, now);
    REQUIRE(std::holds_alternative<ChannelUpdate>(channel));
    CHECK(std::get<ChannelUpdate>(channel).entry.fields[1] == "5");
    const auto field =
        to_update({"channels/7/subscribe/fields/field8/READKEY", "v", 0, false}, false, now);
    REQUIRE(std::holds_alternative<FieldUpdate>(field));
    CHECK(std::get<FieldUpdate>(field).field.value() == 8);
}

TEST_CASE("a topic that is neither feed is refused unless raw", "[subscribe]") {
    const auto now = std::chrono::system_clock::now();
    for (const char* topic :
         {"channels/7/subscribe/fields/field9", "channels/7/subscribe/fields/status",
          "channels/7/subscribe/fields/field10", "sensors/kitchen"}) {
        CAPTURE(topic);
        try {
            to_update({topic, "1", 0, false}, false, now);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::usage);
            CHECK(std::string(e.what()) ==
                  "the topic is neither a ThingSpeak channel feed nor a field feed");
        }
        CHECK(std::holds_alternative<RawUpdate>(to_update({topic, "1", 0, false}, true, now)));
    }
}

TEST_CASE("a stray topic under fields/+ is skipped, so CSV rows keep the header's columns",
          "[subscribe]") {
    Rig rig;
    rig.session.add_message("channels/7/subscribe/fields/field9", "9");
    rig.session.add_message("channels/7/subscribe/fields/field2", "2");
    auto plan = plan_for(1);
    plan.filters = {"channels/7/subscribe/fields/+"};
    plan.kind = UpdateKind::field;
    CHECK(rig.run(plan) == ExitCode::ok);
    REQUIRE(rig.diagnostics.warnings.size() == 1);
    CHECK(rig.diagnostics.warnings[0] ==
          "skipped a malformed message on 'channels/7/subscribe/fields/field9': the topic is "
          "neither a ThingSpeak "
          "channel feed nor a field feed");
    CHECK_THAT(rig.out.text_, Catch::StartsWith("received_at,channel_id,field,value\n"));
    CHECK_THAT(rig.out.text_, Catch::EndsWith(",7,2,2\n"));
}

namespace {

// The fake session, with subscribe failures scripted: each call takes the next error, if any.
class FailingSubscribes final : public Session {
  public:
    explicit FailingSubscribes(FakeSession& inner) : inner_(inner) {}
    void connect() override { inner_.connect(); }
    std::optional<std::uint64_t> publish(const OutgoingMessage& message) override {
        return inner_.publish(message);
    }
    Deliveries take_deliveries(std::chrono::steady_clock::time_point d) override {
        return inner_.take_deliveries(d);
    }
    bool connected() const override { return inner_.connected(); }
    std::vector<int> subscribe(const std::vector<std::string>& filters, int qos) override {
        auto granted = inner_.subscribe(filters, qos);
        if (errors.empty()) return granted;
        const auto error = errors.front();
        errors.pop_front();
        throw error;
    }
    void unsubscribe(const std::vector<std::string>& filters) override {
        inner_.unsubscribe(filters);
    }
    std::optional<SessionEvent> next_event(std::chrono::steady_clock::time_point d) override {
        return inner_.next_event(d);
    }
    void disconnect() override { inner_.disconnect(); }
    std::deque<Error> errors;

  private:
    FakeSession& inner_;
};

SessionEvent connection_event(SessionEvent::Kind kind) {
    SessionEvent event;
    event.kind = kind;
    return event;
}

}  // namespace

TEST_CASE("a connection lost again before the SUBACK waits for the next reconnect", "[subscribe]") {
    Rig rig;
    FailingSubscribes session(rig.session);
    session.errors.emplace_back(
        ExitCode::network, "subscribe failed: the connection was lost before the broker answered");
    rig.session.events.push_back(connection_event(SessionEvent::Kind::connection_lost));
    rig.session.events.push_back(connection_event(SessionEvent::Kind::reconnected));
    rig.session.events.push_back(connection_event(SessionEvent::Kind::connection_lost));
    rig.session.events.push_back(connection_event(SessionEvent::Kind::reconnected));
    rig.session.add_message("channels/7/subscribe", kEntry);
    FormatOptions options;
    options.format = Format::csv;
    options.header = false;
    const auto formatter = make_formatter(options);
    FormattingSink sink(*formatter, rig.out);
    CHECK(run_subscribe(session, plan_for(1), sink, rig.clock, rig.wall_clock, rig.diagnostics,
                        rig.stop) == ExitCode::ok);
    CHECK(rig.session.subscriptions.size() == 2);
    REQUIRE(rig.diagnostics.warnings.size() == 4);
    CHECK(rig.diagnostics.warnings[1] ==
          "reconnected to the broker, but subscribe failed: the connection was lost before the "
          "broker answered");
    CHECK(rig.diagnostics.warnings[3] == "reconnected to the broker and subscribed again");
    CHECK(rig.out.text_ == "2021-12-11T05:35:31Z,7,797,,21,,,,,,,,,,\n");
}

TEST_CASE("a subscription refused after a reconnect still ends the run", "[subscribe]") {
    Rig rig;
    FailingSubscribes session(rig.session);
    session.errors.emplace_back(ExitCode::auth,
                                "the broker refused the subscription to 'channels/7/subscribe'");
    rig.session.events.push_back(connection_event(SessionEvent::Kind::connection_lost));
    rig.session.events.push_back(connection_event(SessionEvent::Kind::reconnected));
    const auto formatter = make_formatter(FormatOptions{});
    FormattingSink sink(*formatter, rig.out);
    try {
        run_subscribe(session, plan_for(1), sink, rig.clock, rig.wall_clock, rig.diagnostics,
                      rig.stop);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::auth);
    }
}

TEST_CASE("a stop signal ends the run between events", "[subscribe]") {
    Rig rig;
    rig.stop = 2;
    rig.session.add_message("channels/7/subscribe", kEntry);
    CHECK(rig.run(plan_for(1)) == ExitCode::ok);
    CHECK(rig.session.events.size() == 1);  // nothing read once the signal came
    CHECK(rig.out.text_ ==
          "created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
          "latitude,longitude,elevation,status\n");
}

TEST_CASE("a legacy read key is masked in the topics written out", "[subscribe]") {
    Rig rig;
    rig.session.add_message("channels/7/subscribe/json/READKEY12345", kEntry);
    auto plan = plan_for(1);
    plan.topic_secret = "READKEY12345";
    CHECK(rig.run(plan, Format::json) == ExitCode::ok);
    CHECK_THAT(rig.out.text_, Catch::Contains(R"("topic":"channels/7/subscribe/json/****45")"));
    CHECK_THAT(rig.out.text_, !Catch::Contains("READKEY12345"));
}

namespace {

// What a live view would get: updates as values, and the connection's ups and downs.
class RecordingSink final : public UpdateSink {
  public:
    bool on_start(UpdateKind kind) override {
        started = kind;
        return true;
    }
    bool on_update(const Update& update) override {
        updates.push_back(update);
        return true;
    }
    void on_connection(ConnectionState state) override { states.push_back(state); }
    std::optional<UpdateKind> started;
    std::vector<Update> updates;
    std::vector<ConnectionState> states;
};

}  // namespace

TEST_CASE("a sink gets updates stamped by the wall clock given, and the connection's state",
          "[subscribe]") {
    Rig rig;
    rig.session.events.push_back(connection_event(SessionEvent::Kind::connection_lost));
    rig.session.events.push_back(connection_event(SessionEvent::Kind::reconnected));
    rig.session.add_message("channels/7/subscribe/fields/field2", "21");
    auto plan = plan_for(1);
    plan.kind = UpdateKind::field;
    RecordingSink sink;
    CHECK(run_subscribe(rig.session, plan, sink, rig.clock, rig.wall_clock, rig.diagnostics,
                        rig.stop) == ExitCode::ok);
    CHECK(sink.started == UpdateKind::field);
    CHECK(sink.states == std::vector{ConnectionState::lost, ConnectionState::back});
    REQUIRE(sink.updates.size() == 1);
    const auto* field = std::get_if<FieldUpdate>(&sink.updates[0]);
    REQUIRE(field != nullptr);
    CHECK(field->value == "21");
    CHECK(field->received_at == rig.wall_clock.at);
    CHECK(rig.out.text_.empty());
}

namespace {

// Two retained messages, then the broker's echo of the first clearing: the first live message.
SubscribePlan clear_a_tree(Rig& rig) {
    for (const auto* topic : {"tree/a", "tree/b"}) {
        SessionEvent retained;
        retained.message = {topic, "21", 0, true};
        rig.session.events.push_back(retained);
    }
    rig.session.add_message("tree/a", "");
    SubscribePlan plan;
    plan.filters = {"tree/#"};
    plan.raw = true;
    plan.retained_only = true;
    plan.remove_retained = true;
    return plan;
}

}  // namespace

TEST_CASE("remove-retained with retained-only clears each retained message, confirmed, and ends",
          "[subscribe]") {
    Rig rig;
    CHECK(rig.run(clear_a_tree(rig)) == ExitCode::ok);
    REQUIRE(rig.session.published.size() == 2);
    for (const auto& p : rig.session.published) {
        CHECK(p.payload.empty());
        CHECK(p.retain);
    }
    CHECK(rig.session.published[1].topic == "tree/b");
    CHECK(rig.session.unconfirmed.empty());
    CHECK(rig.diagnostics.warnings.empty());
}

TEST_CASE("a clearing the broker never confirms is exit 1, not a claimed success", "[subscribe]") {
    Rig rig;
    rig.session.confirm = false;
    try {
        rig.run(clear_a_tree(rig));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::failure);
        CHECK(std::string(e.what()) ==
              "2 retained messages may not have been cleared: the broker did not confirm the "
              "clearing");
    }
}

TEST_CASE("a clearing lost with the connection is counted, and a timeout keeps its exit 6",
          "[subscribe]") {
    Rig rig;
    auto plan = clear_a_tree(rig);
    rig.session.events.pop_back();  // no live message: the run ends at --timeout
    plan.timeout = std::chrono::seconds(5);
    rig.session.lose_after = 1;  // the first clearing dies with the connection
    CHECK(rig.run(plan) == ExitCode::timeout);
    REQUIRE(rig.diagnostics.warnings.size() == 2);
    CHECK(rig.diagnostics.warnings[0] ==
          "could not clear the retained message on 'tree/b': not connected");
    CHECK(rig.diagnostics.warnings[1] ==
          "2 retained messages may not have been cleared: the broker did not confirm the "
          "clearing");
}

TEST_CASE("a QoS lower than asked is said once per filter it was granted to", "[subscribe]") {
    FakeSession session;
    session.max_qos = 1;
    RecordingDiagnostics diagnostics;
    SubscribePlan plan;
    plan.filters = {"a/#", "b"};
    plan.qos = 2;
    subscribe_to(session, plan, diagnostics);
    CHECK(session.subscribe_qos == 2);
    CHECK(diagnostics.warnings ==
          std::vector<std::string>{"the broker granted QoS 1 on 'a/#', not the 2 asked for",
                                   "the broker granted QoS 1 on 'b', not the 2 asked for"});
    plan.qos = 1;
    subscribe_to(session, plan, diagnostics);
    CHECK(diagnostics.warnings.size() == 2);
}
