// Internal to the store: the state behind a Store (the SQLite connection and what allocate_* has
// handed out). Shared by store.cc and the table classes beside it (iam_tables.cc, network_tables.cc,
// rds_tables.cc), which keep their records in the same connection and transactions. Never include
// this outside src/store/.
#pragma once

#include <ctime>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"

namespace borealis::store {

struct Store::Impl {
  sqlite::DbHandle db;
  // Declared after `db`, so destroyed first: cached statements are finalised before the connection
  // closes (close_v2 would wait for them anyway).
  sqlite::StatementCache statements;
  int version = 0;
  int tx_depth = 0;
  // Handed out by allocate_* but maybe not yet written; see store.h.
  std::set<std::string> pending_addresses;
  std::set<int> pending_ports;

  sqlite3* raw() const { return db.get(); }

  Result<sqlite::Statement> prepare(std::string_view sql) { return sqlite::Statement::prepare(raw(), sql, &statements); }

  // Runs `body` in a transaction unless one is already open (then it joins the outer one).
  Status in_transaction(const std::function<Status()>& body) {
    if (tx_depth > 0) return body();
    auto tx = sqlite::Transaction::begin(raw());
    if (!tx) return std::move(tx).error();
    ++tx_depth;
    Status s = body();
    --tx_depth;
    if (!s) return s;  // ~Transaction rolls back
    return tx->commit();
  }

  Result<std::set<std::string>> used_addresses();
  static Result<std::string> address_prefix(Store& store);

  // UPDATE/DELETE that must touch exactly one row: zero rows is not_found.
  Status expect_one_change(const std::string& what, const std::string& id) {
    if (sqlite3_changes(raw()) == 0) return make_error(Errc::not_found, what + " " + id + " not found");
    return ok_status();
  }
};


// Helpers every table file uses (store.cc, iam_tables.cc, network_tables.cc, rds_tables.cc).

// Now, as the RFC 3339 UTC text the tables keep in created_at columns.
inline std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Every row of a prepared SELECT, each read by `read`.
template <class T, class Reader>
Result<std::vector<T>> collect(sqlite::Statement& st, Reader read) {
  std::vector<T> out;
  for (;;) {
    auto row = st.step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    out.push_back(read(st));
  }
}

// The single row a keyed SELECT finds, or not_found naming `what` ("DB subnet group x").
template <class T, class Reader>
Result<T> one(sqlite::Statement& st, Reader read, const std::string& what) {
  auto row = st.step();
  if (!row) return std::move(row).error();
  if (!*row) return make_error(Errc::not_found, what + " not found");
  return read(st);
}

}  // namespace borealis::store
