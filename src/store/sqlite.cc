// SQLite RAII helpers (see sqlite.h). Errors become values; nothing here throws or logs SQL text,
// because statements may carry verifiers or settings that must not reach a log.
#include "store/sqlite.h"

#include <utility>

namespace borealis::store::sqlite {

Error make_sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  Errc code = Errc::io_error;
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      code = Errc::already_exists;
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT:
      code = Errc::invalid_argument;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = Errc::unavailable;
      break;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      code = Errc::internal;
      break;
    default:
      break;
  }
  return make_error(code, std::move(msg));
}

Result<DbHandle> open_db(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: one thread at a time owns a Store (documented in store.h), so sqlite's own locking is
  // redundant. Extended result codes let us tell UNIQUE from FOREIGN KEY violations.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  DbHandle db(raw);  // sqlite hands back a handle even on failure; it must still be closed
  if (rc != SQLITE_OK) return make_sqlite_error(db.get(), rc, "open " + path);
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Error e = make_sqlite_error(nullptr, sqlite3_extended_errcode(db), "exec");
    e.message = "exec: " + msg;
    return e;
  }
  return ok_status();
}

StmtHandle StatementCache::take(const std::string& sql) {
  auto it = idle_.find(sql);
  if (it == idle_.end() || it->second.empty()) return nullptr;
  StmtHandle stmt = std::move(it->second.back());
  it->second.pop_back();
  --count_;
  return stmt;
}

void StatementCache::give_back(std::string sql, StmtHandle stmt) {
  // Reset ends the statement's read of the database (it would otherwise hold a read transaction open
  // and keep checkpoints from finishing); cleared bindings drop copies of bound values.
  sqlite3_reset(stmt.get());
  sqlite3_clear_bindings(stmt.get());
  if (count_ >= kMaxIdle) return;  // finalised by the handle
  idle_[std::move(sql)].push_back(std::move(stmt));
  ++count_;
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql, StatementCache* cache) {
  // The cache's key, made once: for the lookup and then kept by the Statement to give it back.
  std::string key = cache != nullptr ? std::string(sql) : std::string();
  if (cache != nullptr) {
    if (StmtHandle idle = cache->take(key)) return Statement(db, std::move(idle), cache, std::move(key));
  }
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: a hint to SQLite that the statement lives long (it allocates it outside the
  // lookaside pool).
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), cache != nullptr ? SQLITE_PREPARE_PERSISTENT : 0,
                              &raw, nullptr);
  StmtHandle stmt(raw);
  if (rc != SQLITE_OK) return make_sqlite_error(db, rc, "prepare");
  return Statement(db, std::move(stmt), cache, std::move(key));
}

Statement::~Statement() {
  if (cache_ != nullptr && stmt_) cache_->give_back(std::move(sql_), std::move(stmt_));
}

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::string_view text) {
  note_bind(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                              SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) return make_sqlite_error(db_, bind_rc_, "bind");
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_sqlite_error(db_, sqlite3_extended_errcode(db_), "step");
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return std::move(r).error();
    if (!*r) return ok_status();
  }
}

std::string Statement::column_text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_.get(), col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

std::optional<std::string> Statement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}

std::int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }

bool Statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

Result<Transaction> Transaction::begin(sqlite3* db) {
  if (auto s = exec(db, "BEGIN IMMEDIATE"); !s) return std::move(s).error();
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    // A failed ROLLBACK (e.g. sqlite already rolled back on an I/O error) leaves nothing to undo.
    (void)exec(db_, "ROLLBACK");
  }
}

Status Transaction::commit() {
  sqlite3* db = std::exchange(db_, nullptr);
  if (auto s = exec(db, "COMMIT"); !s) {
    (void)exec(db, "ROLLBACK");
    return s;
  }
  return ok_status();
}

}  // namespace borealis::store::sqlite
