// A libpq connection over an instance's unix socket, used by the control plane (as borealis_admin)
// to bootstrap and manage roles. Blocking: call it from the control plane's worker, never from the
// gateway's event loop. libpq types stay out of this header (pimpl).
// It must never put SQL text in an error or a log line: statements can carry password verifiers.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace borealis::cluster {

using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL
using Rows = std::vector<Row>;

struct ConnectParams {
  std::string socket_dir;
  int socket_port = 0;
  std::string user = "borealis_admin";
  std::string dbname = "postgres";
  std::chrono::seconds connect_timeout{5};
};

class AdminConnection {
 public:
  static Result<AdminConnection> connect(const ConnectParams& params);

  AdminConnection(AdminConnection&&) noexcept;
  AdminConnection& operator=(AdminConnection&&) noexcept;
  AdminConnection(const AdminConnection&) = delete;
  AdminConnection& operator=(const AdminConnection&) = delete;
  ~AdminConnection();

  // Runs one or more statements (simple query protocol); returns the last result's rows.
  // Errors carry PostgreSQL's SQLSTATE and message: "42710: role \"x\" already exists".
  Result<Rows> exec(std::string_view sql);
  // One statement with $1… parameters sent separately from the SQL text (no quoting needed).
  Result<Rows> exec_params(std::string_view sql, const std::vector<std::optional<std::string>>& params);

  // PQescapeIdentifier / PQescapeLiteral with this connection's encoding — for utility statements
  // (CREATE ROLE …) that cannot take parameters.
  Result<std::string> quote_identifier(std::string_view name);
  Result<std::string> quote_literal(std::string_view value);

  int server_version() const;  // e.g. 150004

 private:
  struct Impl;
  explicit AdminConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::cluster
