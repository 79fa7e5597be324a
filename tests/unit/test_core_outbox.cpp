// SPDX-License-Identifier: Apache-2.0
// The contract of core/outbox.hpp, written once and run against every store: order per
// destination, at-least-once, the bound, leases, pacing state, status/list/clear. Stores that
// one file shares between processes also run the tests with several handles and processes.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "core/error.hpp"
#include "core/memory_outbox.hpp"
#include "core/outbox.hpp"
#include "outbox/sqlite_outbox.hpp"
#include "temp_dir.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;
using namespace std::chrono_literals;

namespace {

struct Store {
    const char* name;
    // A new handle on the store kept at `file`; handles on one file share its content.
    std::function<std::unique_ptr<Outbox>(const fs::path& file, std::size_t max)> open;
    bool shared_between_processes;
};

const std::vector<Store>& stores() {
    static const std::vector<Store> all{
        {"sqlite",
         [](const fs::path& file, std::size_t max) {
             return open_sqlite_outbox(file.string(), max);
         },
         true},
        {"memory",
         [](const fs::path&, std::size_t max) -> std::unique_ptr<Outbox> {
             return std::make_unique<MemoryOutbox>(max);
         },
         false},
    };
    return all;
}

OutboxMessage message(std::string destination, std::string payload,
                      std::optional<std::uint64_t> channel = std::nullopt) {
    OutboxMessage entry;
    entry.destination = std::move(destination);
    entry.message = OutgoingMessage("t/" + payload, payload, 1);
    entry.channel = channel;
    return entry;
}

std::vector<std::string> payloads(const std::vector<OutboxMessage>& messages) {
    std::vector<std::string> out;
    for (const auto& entry : messages) out.push_back(entry.message.payload);
    return out;
}

std::vector<std::int64_t> ids(const std::vector<OutboxMessage>& messages) {
    std::vector<std::int64_t> out;
    for (const auto& entry : messages) out.push_back(entry.id);
    return out;
}

ExitCode code_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.code();
    }
    return ExitCode::ok;
}

// Runs `child` in a forked process; returns its pid. The child never returns into Catch.
pid_t spawn(const std::function<int()>& child) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int status = 1;
        try {
            status = child();
        } catch (...) {
            status = 2;
        }
        ::_exit(status);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("outbox: messages of a destination leave in the order accepted, all fields kept") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    auto outbox = store.open(dir.path() / "outbox.db", 100);

    auto full = message("mqtt://a:1883", std::string("x\0y", 3), 1587079);
    full.message.qos = 2;
    full.message.retain = true;
    full.message.properties.user = {{"k", "v"}, {"k", "w"}};
    full.message.properties.correlation_data = std::string("\x00\xff", 2);
    full.message.properties.message_expiry = 60;
    full.created_at = "2026-12-02T04:00:00Z";
    const auto before = WallClock::now();
    const auto first = outbox->append({message("mqtt://a:1883", "a1"), full});
    outbox->append({message("mqtt://b:1883", "b1")});
    outbox->append({message("mqtt://a:1883", "a3")});
    REQUIRE(first.size() == 2);
    CHECK(first[0].id < first[1].id);
    CHECK(first[0].accepted_at >= before - 1ms);

    const auto a = outbox->next("mqtt://a:1883", 0, 10);
    REQUIRE(payloads(a) == std::vector<std::string>{"a1", std::string("x\0y", 3), "a3"});
    CHECK(a[0].id < a[1].id);
    CHECK(a[1].id < a[2].id);
    CHECK(a[1].message.qos == 2);
    CHECK(a[1].message.retain);
    CHECK(a[1].message.topic == full.message.topic);
    CHECK(a[1].message.properties == full.message.properties);
    CHECK(a[1].channel == std::optional<std::uint64_t>{1587079});
    CHECK(a[1].created_at == "2026-12-02T04:00:00Z");
    CHECK_FALSE(a[0].channel.has_value());
    CHECK(payloads(outbox->next("mqtt://b:1883", 0, 10)) == std::vector<std::string>{"b1"});
    CHECK(payloads(outbox->next("mqtt://a:1883", 0, 2)) ==
          std::vector<std::string>{"a1", full.message.payload});
}

TEST_CASE("outbox: a message stays until delivered, even across handles") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto outbox = store.open(file, 100);
    outbox->append({message("d", "1"), message("d", "2"), message("d", "3")});

    const auto taken = outbox->next("d", 0, 2);
    // Not yet delivered: the same ones again, as after a crash.
    CHECK(ids(outbox->next("d", 0, 2)) == ids(taken));
    // A deliverer with these in flight asks for what follows.
    CHECK(payloads(outbox->next("d", taken[1].id, 10)) == std::vector<std::string>{"3"});
    outbox->delivered({taken[0].id});
    CHECK(payloads(outbox->next("d", 0, 10)) == std::vector<std::string>{"2", "3"});
    if (store.shared_between_processes) {
        outbox.reset();
        outbox = store.open(file, 100);
    }
    CHECK(payloads(outbox->next("d", 0, 10)) == std::vector<std::string>{"2", "3"});
    outbox->delivered(ids(outbox->next("d", 0, 10)));
    CHECK(outbox->next("d", 0, 10).empty());
    CHECK(outbox->status().waiting == 0);
}

TEST_CASE("outbox: a full outbox refuses new messages, all or none, and keeps the old") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    auto outbox = store.open(dir.path() / "outbox.db", 3);
    outbox->append({message("d", "1"), message("d", "2")});
    CHECK(code_of([&] {
              outbox->append({message("d", "3"), message("d", "4")});
          }) == ExitCode::failure);
    CHECK(payloads(outbox->next("d", 0, 10)) == std::vector<std::string>{"1", "2"});
    outbox->append({message("d", "3")});
    CHECK(code_of([&] { outbox->append({message("d", "4")}); }) == ExitCode::failure);
    outbox->delivered({outbox->next("d", 0, 1)[0].id});
    outbox->append({message("d", "4")});
    CHECK(payloads(outbox->next("d", 0, 10)) == std::vector<std::string>{"2", "3", "4"});
}

TEST_CASE("outbox: one holder of a destination's lease at a time") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    if (!store.shared_between_processes) return;
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto first = store.open(file, 100);
    auto second = store.open(file, 100);
    REQUIRE(first->acquire("d", 60s));
    CHECK(first->acquire("d", 60s));  // the holder may take it again
    CHECK_FALSE(second->acquire("d", 60s));
    CHECK(second->acquire("other", 60s));  // leases are per destination
    CHECK(first->renew("d", 60s));
    CHECK_FALSE(second->acquire("d", 60s));
    second->release("d");  // not its lease: nothing changes
    CHECK_FALSE(second->acquire("d", 60s));
    first->release("d");
    CHECK(second->acquire("d", 60s));
    CHECK_FALSE(first->acquire("d", 60s));
}

TEST_CASE("outbox: a lease not renewed expires, though its holder lives") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    if (!store.shared_between_processes) return;
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto holder = store.open(file, 100);
    auto other = store.open(file, 100);
    REQUIRE(holder->acquire("d", 1s));
    CHECK_FALSE(other->acquire("d", 1s));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    bool taken = false;
    while (!taken && std::chrono::steady_clock::now() < deadline) {
        taken = other->acquire("d", 60s);
        if (!taken) std::this_thread::sleep_for(50ms);
    }
    CHECK(taken);
    CHECK_FALSE(holder->acquire("d", 60s));
    CHECK_FALSE(holder->renew("d", 60s));  // it learns that it lost the lease
    REQUIRE(other->acquire("other", 0s));
    CHECK_FALSE(holder->renew("other", 60s));  // expired, but not its own
    CHECK(other->renew("d", 60s));
}

TEST_CASE("outbox: the lease of a process that died is free at once") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    if (!store.shared_between_processes) return;
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    store.open(file, 100);  // created before the child, so both see one schema
    const auto child = spawn([&] {
        auto outbox = store.open(file, 100);
        return outbox->acquire("d", 3600s) ? 0 : 1;  // exits holding it, as kill -9 would
    });
    REQUIRE(wait_exit(child) == 0);
    auto outbox = store.open(file, 100);
    CHECK(outbox->acquire("d", 60s));
}

TEST_CASE("outbox: concurrent appending processes and one deliverer: each message once, in order") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    if (!store.shared_between_processes) return;
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto deliverer = store.open(file, 100000);
    constexpr int kAppenders = 3;
    constexpr int kBatches = 40;
    constexpr int kBatch = 5;
    std::vector<pid_t> children;
    for (int child = 0; child < kAppenders; ++child) {
        children.push_back(spawn([&, child] {
            auto outbox = store.open(file, 100000);
            for (int batch = 0; batch < kBatches; ++batch) {
                std::vector<OutboxMessage> messages;
                for (int i = 0; i < kBatch; ++i)
                    messages.push_back(message(
                        "d", std::to_string(child) + ":" + std::to_string(batch * kBatch + i)));
                outbox->append(std::move(messages));
            }
            return 0;
        }));
    }
    REQUIRE(deliverer->acquire("d", 60s));
    std::map<std::string, std::vector<int>> seen;  // appender -> sequence numbers delivered
    std::size_t total = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (total < kAppenders * kBatches * kBatch && std::chrono::steady_clock::now() < deadline) {
        const auto batch = deliverer->next("d", 0, 7);
        for (const auto& entry : batch) {
            const auto& text = entry.message.payload;
            const auto colon = text.find(':');
            seen[text.substr(0, colon)].push_back(std::stoi(text.substr(colon + 1)));
        }
        deliverer->delivered(ids(batch));
        total += batch.size();
        if (batch.empty()) std::this_thread::sleep_for(5ms);
    }
    for (const auto pid : children) CHECK(wait_exit(pid) == 0);
    CHECK(total == kAppenders * kBatches * kBatch);
    CHECK(seen.size() == kAppenders);
    for (const auto& [appender, numbers] : seen) {
        INFO("appender " << appender);
        std::vector<int> expected(kBatches * kBatch);
        for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
        CHECK(numbers == expected);  // in order, none twice, none missing
    }
    CHECK(deliverer->next("d", 0, 10).empty());
}

TEST_CASE("outbox: when a channel last got an entry is kept per channel") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto outbox = store.open(file, 100);
    CHECK_FALSE(outbox->last_sent(1).has_value());
    const auto when = WallClock::time_point(std::chrono::milliseconds(1'764'650'000'123));
    outbox->set_last_sent(1, when);
    outbox->set_last_sent(2, when - 15s);
    outbox->set_last_sent(1, when + 15s);
    CHECK(outbox->last_sent(1) == when + 15s);
    CHECK(outbox->last_sent(2) == when - 15s);
    if (store.shared_between_processes) {
        auto other = store.open(file, 100);
        CHECK(other->last_sent(1) == when + 15s);
    }
}

TEST_CASE("outbox: a channel's latest stamp outlives its delivered messages") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    auto outbox = store.open(file, 100);
    CHECK(outbox->last_stamp(7).empty());
    auto stamped = [](std::string payload, std::uint64_t channel, std::string stamp) {
        auto entry = message("d", std::move(payload), channel);
        entry.created_at = std::move(stamp);
        return entry;
    };
    auto first = outbox->append({stamped("a", 7, "2026-12-02T10:00:05Z"),
                                 stamped("b", 7, "2026-12-02T10:00:06Z"),
                                 stamped("c", 8, "2026-12-02T09:00:00Z"), message("d", "raw")});
    // An older stamp (an entry with its own created_at) never moves it back.
    outbox->append({stamped("e", 7, "2026-12-01T00:00:00Z")});
    CHECK(outbox->last_stamp(7) == "2026-12-02T10:00:06Z");
    CHECK(outbox->last_stamp(8) == "2026-12-02T09:00:00Z");
    REQUIRE(outbox->acquire("d", 60s));
    outbox->delivered(ids(outbox->next("d", 0, 10)));
    CHECK(outbox->status().waiting == 0);
    CHECK(outbox->last_stamp(7) == "2026-12-02T10:00:06Z");
    if (store.shared_between_processes) {
        auto other = store.open(file, 100);
        CHECK(other->last_stamp(7) == "2026-12-02T10:00:06Z");
    }
}

TEST_CASE("outbox: status counts per destination and channel; list and clear") {
    const auto& store = GENERATE(from_range(stores()));
    INFO(store.name);
    TempDir dir;
    auto outbox = store.open(dir.path() / "outbox.db", 100);
    CHECK(outbox->status().waiting == 0);
    outbox->append({message("a", "1", 7), message("a", "2", 7), message("a", "3", 8)});
    outbox->append({message("b", "4")});
    const auto status = outbox->status();
    CHECK(status.waiting == 4);
    if (store.shared_between_processes) CHECK(status.file == (dir.path() / "outbox.db").string());
    REQUIRE(status.per_destination.size() == 3);
    CHECK(status.per_destination[0].destination == "a");
    CHECK(status.per_destination[0].channel == std::optional<std::uint64_t>{7});
    CHECK(status.per_destination[0].waiting == 2);
    CHECK(status.per_destination[1].channel == std::optional<std::uint64_t>{8});
    CHECK(status.per_destination[2].destination == "b");
    CHECK_FALSE(status.per_destination[2].channel.has_value());
    CHECK(status.per_destination[0].oldest <= WallClock::now());
    CHECK(payloads(outbox->list(3)) == std::vector<std::string>{"1", "2", "3"});
    CHECK(outbox->clear() == 4);
    CHECK(outbox->status().waiting == 0);
    CHECK(outbox->list(10).empty());
}

TEST_CASE("outbox: ages and the waiting line read as people say them") {
    CHECK(describe_age(40s) == "40 s");
    CHECK(describe_age(-3s) == "0 s");
    CHECK(describe_age(12min) == "12 min");
    CHECK(describe_age(3h + 5min) == "3 h");
    CHECK(describe_age(50h) == "2 d");
    OutboxStatus status;
    const auto now = WallClock::now();
    CHECK(describe_waiting(status, now) == "0 waiting");
    status.waiting = 12;
    status.per_destination = {{"a", 7, 10, now - 5min}, {"b", std::nullopt, 2, now - 3h}};
    CHECK(describe_waiting(status, now) == "12 waiting, oldest 3 h");
}
