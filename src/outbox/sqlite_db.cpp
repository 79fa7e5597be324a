// SPDX-License-Identifier: Apache-2.0
#include "outbox/sqlite_db.hpp"

#include <fmt/format.h>

#include <utility>

#include "core/error.hpp"

namespace tsmqtt::sqlite {

void fail_with(int rc, const std::string& file, std::string_view detail) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            fail(ExitCode::config,
                 fmt::format("outbox {}: locked by another process for more than {} s", file,
                             kBusyTimeout.count() / 1000));
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            fail(ExitCode::config,
                 fmt::format("outbox {}: corrupt or not an SQLite database ({})", file, detail));
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            fail(ExitCode::config, fmt::format("outbox {}: cannot be opened ({})", file, detail));
        case SQLITE_FULL:
            fail(ExitCode::failure, fmt::format("outbox {}: the disk is full ({})", file, detail));
        case SQLITE_READONLY:
            fail(ExitCode::failure, fmt::format("outbox {}: read-only ({})", file, detail));
        default:
            fail(ExitCode::failure, fmt::format("outbox {}: {}", file, detail));
    }
}

Statement::Statement(sqlite3_stmt* statement, const std::string* file)
    : statement_(statement), file_(file) {}

Statement::Statement(Statement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), file_(other.file_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(statement_);
        statement_ = std::exchange(other.statement_, nullptr);
        file_ = other.file_;
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(statement_);
}

void Statement::check(int rc) const {
    if (rc != SQLITE_OK) fail_with(rc, *file_, sqlite3_errmsg(sqlite3_db_handle(statement_)));
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    check(sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    // A zero-length blob, not NULL: an empty payload is a payload.
    check(sqlite3_bind_blob64(statement_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                              SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind_null(int index) {
    check(sqlite3_bind_null(statement_, index));
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string detail = sqlite3_errmsg(sqlite3_db_handle(statement_));
    sqlite3_reset(statement_);
    fail_with(rc, *file_, detail);
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
}

std::string Statement::text(int column) const {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
    return bytes == nullptr ? std::string{} : std::string(bytes, size);
}

Database::Database(std::string file) : file_(std::move(file)) {
    const int rc = sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) {
        const std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        fail_with(rc, file_, detail);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(kBusyTimeout.count()));
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        fail_with(rc, file_, detail);
    }
}

Statement Database::prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (rc != SQLITE_OK) fail_with(rc, file_, sqlite3_errmsg(db_));
    return Statement(statement, &file_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

bool Database::read_only() const {
    return sqlite3_db_readonly(db_, "main") == 1;
}

Transaction::Transaction(Database& db, Durability durability) : db_(db), durability_(durability) {
    if (durability_ == Durability::relaxed) db_.exec("PRAGMA synchronous = NORMAL");
    try {
        db_.exec("BEGIN IMMEDIATE");
    } catch (const std::exception&) {
        if (durability_ == Durability::relaxed) db_.exec("PRAGMA synchronous = FULL");
        throw;
    }
}

Transaction::~Transaction() {
    if (done_) return;
    try {
        finish("ROLLBACK");
    } catch (const std::exception&) {
        // A failed COMMIT may have rolled back already; nothing is left to undo.
    }
}

void Transaction::commit() {
    finish("COMMIT");
}

void Transaction::finish(const char* sql) {
    done_ = true;
    db_.exec(sql);
    if (durability_ == Durability::relaxed) db_.exec("PRAGMA synchronous = FULL");
}

}  // namespace tsmqtt::sqlite
