// libpq RAII behind AdminConnection (see admin_connection.h).
#include "cluster/admin_connection.h"

#include <libpq-fe.h>

#include <cstring>

#include "common/log.h"

namespace borealis::cluster {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
struct FreeMem {
  void operator()(char* p) const noexcept { PQfreemem(p); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;
using PqString = std::unique_ptr<char, FreeMem>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Errc errc_for_sqlstate(const char* state) {
  if (state == nullptr) return Errc::unavailable;  // no server error: the connection broke
  std::string_view s(state);
  if (s == "42710" || s == "23505" || s == "42P04" || s == "42P06" || s == "42P07") return Errc::already_exists;
  if (s.substr(0, 2) == "28") return Errc::auth_failed;
  if (s == "42704" || s == "3D000") return Errc::not_found;
  if (s.substr(0, 2) == "42" || s.substr(0, 2) == "22" || s.substr(0, 2) == "23") return Errc::invalid_argument;
  if (s.substr(0, 2) == "57" || s.substr(0, 2) == "08" || s.substr(0, 2) == "53") return Errc::unavailable;
  return Errc::internal;
}

// Server notices ("role … is already a member") are routine during idempotent bootstrap.
void on_notice(void*, const char* message) {
  log::debug("cluster", "postgres notice: {}", trim(message ? message : ""));
}

}  // namespace

struct AdminConnection::Impl {
  ConnHandle conn;

  // Builds the Error while `res` is still alive: its message is owned by the result.
  Result<Rows> rows_or_error(ResultHandle res) {
    if (!res) return make_error(Errc::unavailable, "postgres: " + trim(PQerrorMessage(conn.get())));
    ExecStatusType st = PQresultStatus(res.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) return Rows{};
    if (st != PGRES_TUPLES_OK) {
      const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
      const char* primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
      std::string msg = primary ? primary : trim(PQresultErrorMessage(res.get()));
      return make_error(errc_for_sqlstate(state), std::string(state ? state : "conn") + ": " + msg);
    }
    Rows rows;
    const int n = PQntuples(res.get());
    const int m = PQnfields(res.get());
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      Row row;
      row.reserve(static_cast<std::size_t>(m));
      for (int j = 0; j < m; ++j) {
        if (PQgetisnull(res.get(), i, j)) row.emplace_back(std::nullopt);
        else row.emplace_back(std::string(PQgetvalue(res.get(), i, j), static_cast<std::size_t>(PQgetlength(res.get(), i, j))));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }
};

AdminConnection::AdminConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdminConnection::AdminConnection(AdminConnection&&) noexcept = default;
AdminConnection& AdminConnection::operator=(AdminConnection&&) noexcept = default;
AdminConnection::~AdminConnection() = default;

Result<AdminConnection> AdminConnection::connect(const ConnectParams& p) {
  const std::string port = std::to_string(p.socket_port);
  const std::string timeout = std::to_string(std::max<long long>(1, p.connect_timeout.count()));
  // Keyword arrays, not a conninfo string: no quoting of paths, and nothing from the environment
  // (PGHOST, PGSERVICE…) can redirect us, because every keyword that matters is set explicitly.
  // search_path is pinned: this connection is a superuser's, and tenants must not be able to put
  // their own functions or operators in front of pg_catalog for it.
  const char* keys[] = {"host", "port", "dbname", "user", "connect_timeout", "application_name",
                        "sslmode", "gssencmode", "client_encoding", "options", nullptr};
  const char* values[] = {p.socket_dir.c_str(), port.c_str(), p.dbname.c_str(), p.user.c_str(), timeout.c_str(),
                          "borealis-control", "disable", "disable", "UTF8", "-c search_path=pg_catalog,pg_temp",
                          nullptr};
  ConnHandle conn(PQconnectdbParams(keys, values, 0));
  if (!conn) return make_error(Errc::internal, "libpq: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = trim(PQerrorMessage(conn.get()));
    return make_error(Errc::unavailable, "connect to " + p.socket_dir + " port " + port + " as " + p.user + ": " + msg);
  }
  PQsetNoticeProcessor(conn.get(), on_notice, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->conn = std::move(conn);
  return AdminConnection(std::move(impl));
}

Result<Rows> AdminConnection::exec(std::string_view sql) {
  std::string text(sql);  // libpq wants NUL-terminated text
  return impl_->rows_or_error(ResultHandle(PQexec(impl_->conn.get(), text.c_str())));
}

Result<Rows> AdminConnection::exec_params(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& v : params) values.push_back(v ? v->c_str() : nullptr);
  return impl_->rows_or_error(ResultHandle(PQexecParams(impl_->conn.get(), text.c_str(), static_cast<int>(values.size()),
                                                        nullptr, values.data(), nullptr, nullptr, 0)));
}

Result<std::string> AdminConnection::quote_identifier(std::string_view name) {
  PqString q(PQescapeIdentifier(impl_->conn.get(), name.data(), name.size()));
  if (!q) return make_error(Errc::invalid_argument, "cannot quote identifier: " + trim(PQerrorMessage(impl_->conn.get())));
  return std::string(q.get());
}

Result<std::string> AdminConnection::quote_literal(std::string_view value) {
  PqString q(PQescapeLiteral(impl_->conn.get(), value.data(), value.size()));
  // The value may be secret: report libpq's reason (encoding), never the value.
  if (!q) return make_error(Errc::invalid_argument, "cannot quote literal: " + trim(PQerrorMessage(impl_->conn.get())));
  return std::string(q.get());
}

int AdminConnection::server_version() const { return PQserverVersion(impl_->conn.get()); }

}  // namespace borealis::cluster
