// SPDX-License-Identifier: Apache-2.0
#pragma once
// A thin RAII layer over the SQLite C API for the outbox store: one connection, prepared
// statements, and SQLite result codes turned into Error with the exit codes of
// docs/cli-contract.md.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tsmqtt::sqlite {

// How long a process waits for another's write lock before the store counts as locked.
inline constexpr std::chrono::milliseconds kBusyTimeout{5000};

class Statement {
  public:
    Statement() = default;
    Statement(sqlite3_stmt* statement, const std::string* file);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    bool step();  // true: a row is ready
    void run();   // steps to the end
    void reset();

    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;
    std::string text(int column) const;  // text or blob bytes

  private:
    void check(int rc) const;
    sqlite3_stmt* statement_ = nullptr;
    const std::string* file_ = nullptr;
};

class Database {
  public:
    // Opens an existing regular file read-write; the caller has checked what lies at `file`.
    explicit Database(std::string file);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    void exec(const char* sql);
    Statement prepare(const char* sql);
    int changes() const;
    std::int64_t last_insert_rowid() const;
    bool read_only() const;
    const std::string& file() const { return file_; }

  private:
    std::string file_;
    sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when left by an exception. A durable one is on disk
// when commit() returns (the connection's synchronous = FULL). A relaxed one may be lost to a
// power cut, never half applied, and a later durable commit makes it durable too: for what
// may be redone at worst (a delivered message sent again, a lease taken again).
enum class Durability { durable, relaxed };

class Transaction {
  public:
    explicit Transaction(Database& db, Durability durability = Durability::durable);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    void finish(const char* sql);
    Database& db_;
    Durability durability_;
    bool done_ = false;
};

// Throws Error for an SQLite result code: config for a corrupt, locked or unreadable store,
// failure for one that cannot take more (disk full, read-only).
[[noreturn]] void fail_with(int rc, const std::string& file, std::string_view detail);

}  // namespace tsmqtt::sqlite
