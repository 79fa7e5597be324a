// SPDX-License-Identifier: Apache-2.0
// The outbox as one SQLite database. Times are milliseconds since the Unix epoch. Message
// properties are stored as CBOR (binary correlation data survives); none, as NULL.
//
// Sharing: WAL mode lets appenders and a deliverer work at once; each write is one short
// IMMEDIATE transaction, so an append waits at most for another's commit, never for a
// delivery. Who delivers a destination is decided by a lease row (owner + expiry).
#include "outbox/sqlite_outbox.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "core/error.hpp"
#include "outbox/sqlite_db.hpp"

namespace tsmqtt {
namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::Durability;
using sqlite::Statement;
using sqlite::Transaction;

constexpr std::int64_t kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    destination TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    properties BLOB,
    channel INTEGER,
    created_at TEXT NOT NULL,
    accepted_at INTEGER NOT NULL
);
CREATE INDEX messages_by_destination ON messages (destination, id);
CREATE TABLE leases (
    destination TEXT PRIMARY KEY,
    owner_pid INTEGER NOT NULL,
    owner_token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE channels (
    channel INTEGER PRIMARY KEY,
    last_sent INTEGER NOT NULL
);
-- How many messages wait, kept with every change: count(*) would read the whole table at
-- each append, and a stream appends often.
CREATE TABLE tally (waiting INTEGER NOT NULL);
INSERT INTO tally VALUES (0);
)sql";

// Version 2: a channel's latest created_at, kept when its messages have left, so the stamps
// of the next run (after a kill -9, in another process) never repeat one the channel has.
constexpr const char* kStampsSchema = R"sql(
CREATE TABLE stamps (
    channel INTEGER PRIMARY KEY,
    last_stamp TEXT NOT NULL
);
PRAGMA user_version = 2;
)sql";

constexpr const char* kMessageColumns =
    "id, destination, topic, payload, qos, retain, properties, channel, created_at, accepted_at";

[[noreturn]] void config_error(const std::string& file, const std::string& what) {
    fail(ExitCode::config, fmt::format("outbox {}: {}", file, what));
}

std::int64_t to_millis(WallClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

WallClock::time_point from_millis(std::int64_t millis) {
    return WallClock::time_point(std::chrono::milliseconds(millis));
}

std::optional<std::string> encode_properties(const MessageProperties& properties) {
    if (properties == MessageProperties{}) return std::nullopt;
    nlohmann::json json = nlohmann::json::object();
    json["user"] = properties.user;
    json["content_type"] = properties.content_type;
    json["response_topic"] = properties.response_topic;
    if (properties.message_expiry) json["message_expiry"] = *properties.message_expiry;
    if (properties.correlation_data) {
        const auto& data = *properties.correlation_data;
        json["correlation_data"] = nlohmann::json::binary({data.begin(), data.end()});
    }
    const auto bytes = nlohmann::json::to_cbor(json);
    return std::string(bytes.begin(), bytes.end());
}

MessageProperties decode_properties(const std::string& file, const std::string& bytes) try {
    MessageProperties properties;
    const auto json = nlohmann::json::from_cbor(bytes);
    properties.user = json.at("user").get<decltype(properties.user)>();
    properties.content_type = json.at("content_type").get<std::string>();
    properties.response_topic = json.at("response_topic").get<std::string>();
    if (json.contains("message_expiry"))
        properties.message_expiry = json.at("message_expiry").get<std::uint32_t>();
    if (json.contains("correlation_data")) {
        const auto& data = json.at("correlation_data").get_binary();
        properties.correlation_data = std::string(data.begin(), data.end());
    }
    return properties;
} catch (const nlohmann::json::exception&) {
    config_error(file, "corrupt: a message's properties cannot be read");
}

// What lies at `path` decides whether SQLite may open it: a FIFO or device would block or
// be written to, a folder cannot be a database.
void check_path(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT) return;
        config_error(path, std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode)) config_error(path, "a folder is in its place, not a file");
    if (S_ISFIFO(info.st_mode)) config_error(path, "a FIFO is in its place, not a file");
    if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode))
        config_error(path, "a device is in its place, not a file");
    if (!S_ISREG(info.st_mode)) config_error(path, "not a regular file");
    // The owner's mode bits count even for root, whom access() never refuses.
    const bool owned = info.st_uid == ::geteuid();
    if (::access(path.c_str(), R_OK) != 0 || (owned && (info.st_mode & S_IRUSR) == 0))
        config_error(path, "cannot be read (permission denied)");
    if (::access(path.c_str(), W_OK) != 0 || (owned && (info.st_mode & S_IWUSR) == 0))
        config_error(path, "read-only (its messages could never leave it)");
}

void create_parents(const fs::path& folder) {
    if (folder.empty() || fs::exists(folder)) return;
    create_parents(folder.parent_path());
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        config_error(folder.string(),
                     fmt::format("cannot create folder: {}", std::strerror(errno)));
}

// Creates an empty file 0600 so that SQLite (and its -wal and -shm files, which copy the
// database's mode) never widens it by the umask.
void create_file(const std::string& path) {
    create_parents(fs::path(path).parent_path());
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        config_error(path, fmt::format("cannot be created: {}", std::strerror(errno)));
    if (fd >= 0) ::close(fd);
}

std::string random_token() {
    std::random_device device;
    return fmt::format("{:08x}{:08x}", device(), device());
}

class SqliteOutbox final : public Outbox {
  public:
    SqliteOutbox(const std::string& path, std::size_t max_messages)
        : db_(path), max_messages_(max_messages), token_(random_token()) {
        prepare_schema();
        db_.exec("PRAGMA synchronous = FULL");
        insert_ = db_.prepare(
            "INSERT INTO messages (destination, topic, payload, qos, retain, properties, "
            "channel, created_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        count_ = db_.prepare("SELECT waiting FROM tally");
        add_ = db_.prepare("UPDATE tally SET waiting = waiting + ?");
        next_ = db_.prepare(
            fmt::format(
                "SELECT {} FROM messages WHERE destination = ? AND id > ? ORDER BY id LIMIT ?",
                kMessageColumns)
                .c_str());
        delete_ = db_.prepare("DELETE FROM messages WHERE id = ?");
        // ISO 8601 UTC stamps of one form order as text.
        stamp_ = db_.prepare(
            "INSERT INTO stamps (channel, last_stamp) VALUES (?, ?) ON CONFLICT (channel) DO "
            "UPDATE SET last_stamp = max(last_stamp, excluded.last_stamp)");
    }

    std::vector<OutboxMessage> append(std::vector<OutboxMessage> messages) override {
        Transaction transaction(db_);
        count_.reset();
        count_.step();
        const auto waiting = static_cast<std::size_t>(count_.integer(0));
        count_.reset();
        if (waiting + messages.size() > max_messages_) {
            fail(ExitCode::failure,
                 fmt::format("outbox {} is full: {} messages wait (--outbox-max {}); not accepted",
                             db_.file(), waiting, max_messages_));
        }
        const auto now = WallClock::now();
        for (auto& message : messages) {
            message.accepted_at = now;
            const auto properties = encode_properties(message.message.properties);
            insert_.reset();
            insert_.bind(1, message.destination)
                .bind(2, message.message.topic)
                .bind_blob(3, message.message.payload)
                .bind(4, std::int64_t{message.message.qos})
                .bind(5, std::int64_t{message.message.retain ? 1 : 0})
                .bind(8, message.created_at)
                .bind(9, to_millis(now));
            if (properties) insert_.bind_blob(6, *properties);
            if (message.channel) insert_.bind(7, static_cast<std::int64_t>(*message.channel));
            insert_.run();
            message.id = db_.last_insert_rowid();
            if (message.channel && !message.created_at.empty()) {
                stamp_.reset();
                stamp_.bind(1, static_cast<std::int64_t>(*message.channel))
                    .bind(2, message.created_at)
                    .run();
            }
        }
        insert_.reset();
        stamp_.reset();
        add_.reset();
        add_.bind(1, static_cast<std::int64_t>(messages.size())).run();
        transaction.commit();
        return messages;
    }

    bool acquire(const std::string& destination, std::chrono::seconds lease) override {
        Transaction transaction(db_, Durability::relaxed);
        auto holder = db_.prepare(
            "SELECT owner_pid, owner_token, expires_at FROM leases WHERE destination = ?");
        holder.bind(1, destination);
        if (holder.step()) {
            const auto pid = static_cast<pid_t>(holder.integer(0));
            const bool mine = holder.text(1) == token_;
            const bool expired = holder.integer(2) <= to_millis(WallClock::now());
            // A holder that no longer exists (kill -9) need not be waited out.
            const bool dead = ::kill(pid, 0) != 0 && errno == ESRCH;
            if (!mine && !expired && !dead) return false;
        }
        write_lease(destination, lease);
        transaction.commit();
        return true;
    }

    bool renew(const std::string& destination, std::chrono::seconds lease) override {
        Transaction transaction(db_, Durability::relaxed);
        auto holder = db_.prepare("SELECT owner_token FROM leases WHERE destination = ?");
        holder.bind(1, destination);
        if (holder.step() && holder.text(0) != token_) return false;
        holder = Statement();
        write_lease(destination, lease);
        transaction.commit();
        return true;
    }

    void release(const std::string& destination) override {
        Transaction transaction(db_, Durability::relaxed);
        auto remove = db_.prepare("DELETE FROM leases WHERE destination = ? AND owner_token = ?");
        remove.bind(1, destination).bind(2, token_).run();
        transaction.commit();
    }

    std::vector<OutboxMessage> next(const std::string& destination, std::int64_t after,
                                    std::size_t limit) override {
        next_.reset();
        next_.bind(1, destination).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
        auto messages = read_messages(next_);
        next_.reset();
        return messages;
    }

    // Relaxed: lost to a power cut, these messages are only sent again, as at-least-once allows.
    void delivered(const std::vector<std::int64_t>& ids) override {
        if (ids.empty()) return;
        Transaction transaction(db_, Durability::relaxed);
        std::int64_t removed = 0;
        for (const auto id : ids) {
            delete_.reset();
            delete_.bind(1, id).run();
            removed += db_.changes();
        }
        delete_.reset();
        add_.reset();
        add_.bind(1, -removed).run();
        transaction.commit();
    }

    std::optional<WallClock::time_point> last_sent(std::uint64_t channel) override {
        auto query = db_.prepare("SELECT last_sent FROM channels WHERE channel = ?");
        query.bind(1, static_cast<std::int64_t>(channel));
        if (!query.step()) return std::nullopt;
        return from_millis(query.integer(0));
    }

    void set_last_sent(std::uint64_t channel, WallClock::time_point when) override {
        Transaction transaction(db_, Durability::relaxed);
        auto upsert = db_.prepare(
            "INSERT INTO channels (channel, last_sent) VALUES (?, ?) "
            "ON CONFLICT (channel) DO UPDATE SET last_sent = excluded.last_sent");
        upsert.bind(1, static_cast<std::int64_t>(channel)).bind(2, to_millis(when)).run();
        transaction.commit();
    }

    std::string last_stamp(std::uint64_t channel) override {
        auto query = db_.prepare("SELECT last_stamp FROM stamps WHERE channel = ?");
        query.bind(1, static_cast<std::int64_t>(channel));
        return query.step() ? query.text(0) : std::string();
    }

    OutboxStatus status() override {
        OutboxStatus status;
        status.file = db_.file();
        auto query = db_.prepare(
            "SELECT destination, channel, count(*), min(accepted_at) FROM messages "
            "GROUP BY destination, channel ORDER BY min(id)");
        while (query.step()) {
            OutboxCount count;
            count.destination = query.text(0);
            if (const auto channel = query.optional_integer(1))
                count.channel = static_cast<std::uint64_t>(*channel);
            count.waiting = static_cast<std::size_t>(query.integer(2));
            count.oldest = from_millis(query.integer(3));
            status.waiting += count.waiting;
            status.per_destination.push_back(std::move(count));
        }
        std::error_code ignored;
        for (const char* suffix : {"", "-wal"}) {
            const auto size = fs::file_size(db_.file() + suffix, ignored);
            if (!ignored) status.size_bytes += size;
        }
        return status;
    }

    std::vector<OutboxMessage> list(std::size_t limit) override {
        auto query = db_.prepare(
            fmt::format("SELECT {} FROM messages ORDER BY id LIMIT ?", kMessageColumns).c_str());
        query.bind(1, static_cast<std::int64_t>(limit));
        return read_messages(query);
    }

    std::size_t clear() override {
        Transaction transaction(db_);
        db_.exec("DELETE FROM messages");
        const auto dropped = static_cast<std::size_t>(db_.changes());
        db_.exec("UPDATE tally SET waiting = 0");
        transaction.commit();
        return dropped;
    }

  private:
    // A new (empty) file gets the schema; a database of someone else's is refused untouched.
    void prepare_schema() {
        auto version = db_.prepare("PRAGMA user_version");
        version.step();
        const auto found = version.integer(0);
        version = Statement();
        if (found == kSchemaVersion) {
            db_.exec("PRAGMA journal_mode = WAL");
            return;
        }
        if (found == 1) {
            db_.exec("PRAGMA journal_mode = WAL");
            Transaction transaction(db_);
            auto again = db_.prepare("PRAGMA user_version");
            again.step();
            if (again.integer(0) == 1) db_.exec(kStampsSchema);
            again = Statement();
            transaction.commit();
            return;
        }
        if (found != 0) {
            config_error(db_.file(), fmt::format("schema version {} is not one this tsmqtt knows "
                                                 "(expected {})",
                                                 found, kSchemaVersion));
        }
        auto tables = db_.prepare("SELECT count(*) FROM sqlite_master");
        tables.step();
        if (tables.integer(0) != 0)
            config_error(db_.file(), "an SQLite database, but not a tsmqtt outbox");
        tables = Statement();
        db_.exec("PRAGMA journal_mode = WAL");
        Transaction transaction(db_);
        // Another process may have created it meanwhile.
        auto again = db_.prepare("PRAGMA user_version");
        again.step();
        if (again.integer(0) == 0) {
            db_.exec(kSchema);
            db_.exec(kStampsSchema);
        }
        again = Statement();
        transaction.commit();
    }

    void write_lease(const std::string& destination, std::chrono::seconds lease) {
        auto upsert = db_.prepare(
            "INSERT INTO leases (destination, owner_pid, owner_token, expires_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (destination) DO UPDATE SET "
            "owner_pid = excluded.owner_pid, owner_token = excluded.owner_token, "
            "expires_at = excluded.expires_at");
        upsert.bind(1, destination)
            .bind(2, std::int64_t{::getpid()})
            .bind(3, token_)
            .bind(4, to_millis(WallClock::now() + lease))
            .run();
    }

    std::vector<OutboxMessage> read_messages(Statement& query) {
        std::vector<OutboxMessage> messages;
        while (query.step()) {
            OutboxMessage message;
            message.id = query.integer(0);
            message.destination = query.text(1);
            message.message.topic = query.text(2);
            message.message.payload = query.text(3);
            message.message.qos = static_cast<int>(query.integer(4));
            message.message.retain = query.integer(5) != 0;
            if (query.optional_integer(6)) {
                message.message.properties = decode_properties(db_.file(), query.text(6));
            }
            if (const auto channel = query.optional_integer(7))
                message.channel = static_cast<std::uint64_t>(*channel);
            message.created_at = query.text(8);
            message.accepted_at = from_millis(query.integer(9));
            messages.push_back(std::move(message));
        }
        return messages;
    }

    Database db_;
    std::size_t max_messages_;
    std::string token_;  // this instance's lease identity: one process may hold two outboxes
    Statement insert_;
    Statement count_;
    Statement add_;
    Statement next_;
    Statement delete_;
    Statement stamp_;
};

}  // namespace

fs::path outbox_file_path(const EnvLookup& env) {
    if (auto file = env("TSMQTT_OUTBOX_FILE"); file && !file->empty()) return *file;
    // As the XDG base directory specification says, a relative path is ignored.
    if (auto state = env("XDG_STATE_HOME"); state && fs::path(*state).is_absolute())
        return fs::path(*state) / "tsmqtt" / "outbox.db";
    if (auto home = env("HOME"); home && !home->empty())
        return fs::path(*home) / ".local" / "state" / "tsmqtt" / "outbox.db";
    fail(ExitCode::config,
         "cannot locate the outbox: set HOME or XDG_STATE_HOME, or give --outbox-file");
}

std::unique_ptr<Outbox> open_sqlite_outbox(const std::string& path, std::size_t max_messages) {
    check_path(path);
    create_file(path);
    return std::make_unique<SqliteOutbox>(path, max_messages);
}

}  // namespace tsmqtt
