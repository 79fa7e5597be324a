// SPDX-License-Identifier: Apache-2.0
// What only the SQLite store does: where it lives, the modes it creates, and the files it
// refuses (exit 7), leaving them exactly as they were.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "outbox/sqlite_db.hpp"
#include "outbox/sqlite_outbox.hpp"
#include "temp_dir.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;

namespace {

std::string open_error(const fs::path& file) {
    try {
        open_sqlite_outbox(file.string(), 10);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        return error.what();
    }
    FAIL("opened " << file);
    return {};
}

EnvLookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        const auto found = values.find(name);
        if (found == values.end()) return std::nullopt;
        return found->second;
    };
}

}  // namespace

TEST_CASE("sqlite outbox: the file is found as the state folder says") {
    CHECK(outbox_file_path(env_of({{"TSMQTT_OUTBOX_FILE", "/x/o.db"}, {"HOME", "/h"}})) ==
          "/x/o.db");
    CHECK(outbox_file_path(env_of({{"XDG_STATE_HOME", "/s"}, {"HOME", "/h"}})) ==
          "/s/tsmqtt/outbox.db");
    CHECK(outbox_file_path(env_of({{"HOME", "/h"}})) == "/h/.local/state/tsmqtt/outbox.db");
    CHECK(outbox_file_path(env_of({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h"}})) ==
          "/h/.local/state/tsmqtt/outbox.db");
    CHECK_THROWS_AS(outbox_file_path(env_of({})), Error);
}

TEST_CASE("sqlite outbox: created 0600 in new folders 0700") {
    TempDir dir;
    const auto file = dir.path() / "state" / "tsmqtt" / "outbox.db";
    const auto outbox = open_sqlite_outbox(file.string(), 10);
    outbox->append({OutboxMessage{}});
    CHECK(mode_of(file) == 0600);
    CHECK(mode_of(file.string() + "-wal") == 0600);  // removed when the last handle closes
    CHECK(mode_of(dir.path() / "state") == 0700);
    CHECK(mode_of(dir.path() / "state" / "tsmqtt") == 0700);
}

TEST_CASE("sqlite outbox: a corrupt file is refused and left as it was") {
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    const std::string garbage(8192, 'x');
    write_file(file, garbage, 0600);
    const auto message = open_error(file);
    CHECK_THAT(message, Catch::Contains(file.string()) && Catch::Contains("corrupt"));
    CHECK(read_file(file) == garbage);
    CHECK_FALSE(fs::exists(file.string() + "-wal"));
}

TEST_CASE("sqlite outbox: an SQLite database of someone else's is refused") {
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    {
        auto outbox = open_sqlite_outbox(file.string(), 10);
        outbox->append({OutboxMessage{}});
    }
    // The same file under another schema version stands for a database tsmqtt does not know.
    auto bytes = read_file(file);
    bytes[60] = 9;  // SQLite's header: user_version at offset 60, big-endian
    write_file(file, bytes, 0600);
    fs::remove(file.string() + "-wal");
    fs::remove(file.string() + "-shm");
    CHECK_THAT(open_error(file), Catch::Contains("schema version"));
    CHECK(read_file(file) == bytes);
}

TEST_CASE("sqlite outbox: a version 1 outbox gains the stamps table, its messages kept") {
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    {
        auto outbox = open_sqlite_outbox(file.string(), 10);
        OutboxMessage message;
        message.destination = "d";
        outbox->append({message});
    }
    {
        // What the first version left: no stamps table, user_version 1.
        sqlite::Database db(file.string());
        db.exec("DROP TABLE stamps; PRAGMA user_version = 1");
    }
    auto outbox = open_sqlite_outbox(file.string(), 10);
    CHECK(outbox->status().waiting == 1);
    CHECK(outbox->last_stamp(7).empty());
    OutboxMessage stamped;
    stamped.destination = "d";
    stamped.channel = 7;
    stamped.created_at = "2026-12-02T12:00:00Z";
    outbox->append({stamped});
    CHECK(outbox->last_stamp(7) == "2026-12-02T12:00:00Z");
}

TEST_CASE("sqlite outbox: a folder, a FIFO or a device in its place is refused at once") {
    TempDir dir;
    fs::create_directory(dir.path() / "folder");
    CHECK_THAT(open_error(dir.path() / "folder"), Catch::Contains("folder"));
    REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
    CHECK_THAT(open_error(dir.path() / "fifo"), Catch::Contains("FIFO"));
    CHECK_THAT(open_error("/dev/null"), Catch::Contains("device"));
}

TEST_CASE("sqlite outbox: a read-only or unreadable file is refused and left as it was") {
    TempDir dir;
    const auto file = dir.path() / "outbox.db";
    open_sqlite_outbox(file.string(), 10)->append({OutboxMessage{}});
    const auto bytes = read_file(file);
    REQUIRE(::chmod(file.c_str(), 0400) == 0);
    CHECK_THAT(open_error(file), Catch::Contains("read-only"));
    REQUIRE(::chmod(file.c_str(), 0200) == 0);
    CHECK_THAT(open_error(file), Catch::Contains("cannot be read"));
    REQUIRE(::chmod(file.c_str(), 0600) == 0);
    CHECK(read_file(file) == bytes);
}
