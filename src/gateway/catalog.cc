#include "gateway/catalog.h"

#include <libpq-fe.h>

#include <cmath>
#include <map>

#include "common/log.h"
#include "gateway/reactor.h"
#include "gateway/worker_pool.h"

namespace borealis::gateway {
namespace {

struct PgConnFree {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct PgResultFree {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, PgConnFree>;
using ResultPtr = std::unique_ptr<PGresult, PgResultFree>;

// The catalog role may only call this SECURITY DEFINER function (created by cluster/roles.cc).
constexpr const char* kRoleQuery = "SELECT * FROM borealis.role_facts($1)";

std::string conn_key(const CatalogRequest& r) { return r.socket_dir + ":" + std::to_string(r.socket_port); }

}  // namespace

struct Catalog::Impl {
  explicit Impl(Reactor& r) : reactor(r) {}

  Result<auth::RoleFacts> query(const CatalogRequest& req) {
    // One retry: a connection that broke (instance restarted) is replaced once per lookup.
    for (int attempt = 0; attempt < 2; ++attempt) {
      CatalogConn& cc = conns[conn_key(req)];
      if (!cc.conn || PQstatus(cc.conn.get()) != CONNECTION_OK) {
        // search_path pinned, and nothing taken from the environment (every keyword is explicit).
        const char* keys[] = {"host", "port", "user", "dbname", "application_name", "connect_timeout",
                              "sslmode", "gssencmode", "options", nullptr};
        std::string port = std::to_string(req.socket_port);
        const char* vals[] = {req.socket_dir.c_str(), port.c_str(), req.catalog_user.c_str(), "postgres",
                              "borealis-gateway-catalog", "5", "disable", "disable",
                              "-c search_path=pg_catalog,pg_temp", nullptr};
        cc = CatalogConn{ConnPtr(PQconnectdbParams(keys, vals, 0)), false};
        if (PQstatus(cc.conn.get()) != CONNECTION_OK) {
          std::string msg = PQerrorMessage(cc.conn.get());
          while (!msg.empty() && msg.back() == '\n') msg.pop_back();
          cc = CatalogConn{};
          return make_error(Errc::unavailable, "catalog connection failed: " + msg);
        }
      }
      if (!cc.prepared) {
        ResultPtr prep(PQprepare(cc.conn.get(), "role_facts", kRoleQuery, 1, nullptr));
        if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
          std::string msg = PQresultErrorMessage(prep.get());
          cc = CatalogConn{};
          if (attempt == 0) continue;
          return make_error(Errc::unavailable, "catalog prepare failed: " + msg);
        }
        cc.prepared = true;
      }
      const char* params[] = {req.role.c_str()};
      ResultPtr res(PQexecPrepared(cc.conn.get(), "role_facts", 1, params, nullptr, nullptr, 0));
      if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
        std::string msg = PQresultErrorMessage(res.get());
        if (PQstatus(cc.conn.get()) != CONNECTION_OK && attempt == 0) {
          cc = CatalogConn{};
          continue;
        }
        return make_error(Errc::unavailable, "catalog query failed: " + msg);
      }
      auth::RoleFacts facts;
      facts.name = req.role;
      if (PQntuples(res.get()) == 0) return facts;
      auto text = [&](int col) -> std::string_view { return PQgetvalue(res.get(), 0, col); };
      auto flag = [&](int col) { return !PQgetisnull(res.get(), 0, col) && text(col) == "t"; };
      facts.exists = true;
      facts.can_login = flag(0);
      facts.superuser = flag(1);
      facts.replication = flag(2);
      if (!PQgetisnull(res.get(), 0, 3)) facts.rolpassword = std::string(text(3));
      if (!PQgetisnull(res.get(), 0, 4)) {
        double epoch = std::strtod(PQgetvalue(res.get(), 0, 4), nullptr);
        if (std::isfinite(epoch)) facts.valid_until_epoch = static_cast<long long>(epoch);
        else if (epoch < 0) facts.valid_until_epoch = 0;  // -infinity: expired forever
      }
      facts.member_of_rds_ad = flag(5);
      facts.member_of_rds_iam = flag(6);
      return facts;
    }
    return make_error(Errc::unavailable, "catalog query failed twice");
  }

  Reactor& reactor;
  // One connection per instance, with its prepared lookup; worker thread only.
  struct CatalogConn {
    ConnPtr conn;
    bool prepared = false;
  };
  std::map<std::string, CatalogConn> conns;
  // One thread: `conns` needs no lock, and lookups are short. Declared last, so it stops first.
  WorkerPool worker{1};
};

Catalog::Catalog(Reactor& reactor) : impl_(std::make_unique<Impl>(reactor)) {}
Catalog::~Catalog() = default;

void Catalog::lookup(CatalogRequest request, Callback done) {
  Impl* impl = impl_.get();
  impl->worker.submit([impl, request = std::move(request), done = std::move(done)]() mutable {
    auto result = std::make_shared<Result<auth::RoleFacts>>(impl->query(request));
    impl->reactor.post([done = std::move(done), result]() mutable { done(std::move(*result)); });
  });
}

}  // namespace borealis::gateway
