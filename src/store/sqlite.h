// Internal to the store: RAII owners for sqlite3* and sqlite3_stmt*, a small prepared-statement
// helper and a transaction guard. Never include this from a public header — sqlite types must not
// leak past src/store/ (a second store implementation, e.g. etcd, must be able to exist).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"

namespace borealis::store::sqlite {

struct DbCloser {
  // close_v2 defers the close until every statement is finalised, so destruction order never leaks.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Maps an sqlite result code to an Error, reading the message from `db` (before anything frees it).
// Constraint violations become already_exists (UNIQUE/PRIMARY KEY) or invalid_argument (FK, CHECK),
// so callers can tell "taken" from "broken".
Error make_sqlite_error(sqlite3* db, int rc, std::string_view what);

Result<DbHandle> open_db(const std::string& path);
// Runs one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
Status exec(sqlite3* db, const char* sql);

// Idle prepared statements of one connection, by SQL text. Preparing (parsing and planning) costs
// more than running the short lookups the store makes (an IAM login check makes about ten), so a
// statement goes back here when its Statement dies, reset and unbound, and the next prepare of the
// same text takes it. One connection, one thread: no lock. Bounded, so odd one-off texts cannot grow
// it without end.
class StatementCache {
 public:
  static constexpr std::size_t kMaxIdle = 256;
  StmtHandle take(const std::string& sql);  // null when none is idle
  void give_back(std::string sql, StmtHandle stmt);

 private:
  std::unordered_map<std::string, std::vector<StmtHandle>> idle_;
  std::size_t count_ = 0;
};

// A prepared statement: bind by 1-based index, step, read columns by 0-based index.
class Statement {
 public:
  // With a cache, the statement comes from it when one is idle and returns to it when this dies; the
  // cache must outlive the Statement (the Store owns both the connection and its cache).
  static Result<Statement> prepare(sqlite3* db, std::string_view sql, StatementCache* cache = nullptr);
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::move(other.stmt_)), bind_rc_(other.bind_rc_), cache_(other.cache_),
        sql_(std::move(other.sql_)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_optional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
  }

  // true: a row is available; false: done. A bind failure is reported here (first one wins).
  Result<bool> step();
  // Steps to completion, for statements that return no rows.
  Status run();

  std::string column_text(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  std::int64_t column_int64(int col) const;
  bool column_is_null(int col) const;

 private:
  Statement(sqlite3* db, StmtHandle stmt, StatementCache* cache, std::string sql)
      : db_(db), stmt_(std::move(stmt)), cache_(cache), sql_(std::move(sql)) {}
  void note_bind(int rc);

  sqlite3* db_ = nullptr;  // not owned; outlived by the Store that owns the connection
  StmtHandle stmt_;
  int bind_rc_ = SQLITE_OK;
  StatementCache* cache_ = nullptr;
  std::string sql_;  // the cache's key; empty without a cache
};

// BEGIN IMMEDIATE on construction (take the write lock up front so a read→write upgrade can never
// fail with SQLITE_BUSY half-way); ROLLBACK in the destructor unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;  // null once committed or rolled back
};

}  // namespace borealis::store::sqlite
