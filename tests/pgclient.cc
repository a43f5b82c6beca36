// A small libpq program for the integration tests: "a libpq program logs in through the gateway".
//   pgclient CONNINFO query SQL   -> runs SQL, prints {"ok":true,"rows":[[...]],"ssl":bool,"pid":N}
//   pgclient CONNINFO copy        -> COPY 1000 rows in and back out of a temp table
//   pgclient CONNINFO cancel      -> starts pg_sleep(30), cancels it after 0.5 s with PQcancel
// Errors print {"ok":false,"sqlstate":"…","message":"…"} and exit 1. The password comes from
// PGPASSWORD, never from argv.
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace {

struct ConnFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnFree>;
using Res = std::unique_ptr<PGresult, ResFree>;

int fail(const std::string& message, const char* sqlstate = "") {
  std::printf("%s\n", nlohmann::json{{"ok", false}, {"sqlstate", sqlstate ? sqlstate : ""}, {"message", message}}.dump().c_str());
  return 1;
}

int fail_result(PGresult* r) {
  const char* st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return fail(PQresultErrorMessage(r), st ? st : "");
}

int run_query(PGconn* c, const char* sql) {
  Res r(PQexec(c, sql));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK && PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail_result(r.get());
  nlohmann::json rows = nlohmann::json::array();
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (int j = 0; j < PQnfields(r.get()); ++j) {
      if (PQgetisnull(r.get(), i, j)) row.push_back(nullptr);
      else row.push_back(PQgetvalue(r.get(), i, j));
    }
    rows.push_back(row);
  }
  std::printf("%s\n", nlohmann::json{{"ok", true}, {"rows", rows}, {"ssl", PQsslInUse(c) == 1}, {"pid", PQbackendPID(c)}}
                          .dump()
                          .c_str());
  return 0;
}

int run_copy(PGconn* c) {
  Res r(PQexec(c, "CREATE TEMP TABLE copytest (id int, payload text)"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail_result(r.get());
  r.reset(PQexec(c, "COPY copytest FROM STDIN"));
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) return fail_result(r.get());
  for (int i = 0; i < 1000; ++i) {
    std::string line = std::to_string(i) + "\tpayload-" + std::string(100, static_cast<char>('a' + i % 26)) + "\n";
    if (PQputCopyData(c, line.data(), static_cast<int>(line.size())) != 1) return fail(PQerrorMessage(c));
  }
  if (PQputCopyEnd(c, nullptr) != 1) return fail(PQerrorMessage(c));
  r.reset(PQgetResult(c));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail_result(r.get());
  std::string copied_in = PQcmdTuples(r.get());
  while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  r.reset(PQexec(c, "COPY copytest TO STDOUT"));
  if (PQresultStatus(r.get()) != PGRES_COPY_OUT) return fail_result(r.get());
  long rows_out = 0;
  long bytes_out = 0;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(c, &buf, 0);
    if (n == -1) break;
    if (n < 0) return fail(PQerrorMessage(c));
    ++rows_out;
    bytes_out += n;
    PQfreemem(buf);
  }
  r.reset(PQgetResult(c));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail_result(r.get());
  std::printf("%s\n", nlohmann::json{{"ok", true}, {"copied_in", copied_in}, {"rows_out", rows_out}, {"bytes_out", bytes_out}}
                          .dump()
                          .c_str());
  return 0;
}

int run_cancel(PGconn* c) {
  auto start = std::chrono::steady_clock::now();
  if (!PQsendQuery(c, "SELECT pg_sleep(30)")) return fail(PQerrorMessage(c));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  PGcancel* cancel = PQgetCancel(c);
  char err[256] = {0};
  int sent = PQcancel(cancel, err, sizeof err);
  PQfreeCancel(cancel);
  if (!sent) return fail(std::string("PQcancel failed: ") + err);
  Res r(PQgetResult(c));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const char* st = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
  std::string sqlstate = st ? st : "";
  while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  // The session must still work after the cancel.
  Res after(PQexec(c, "SELECT 42"));
  bool usable = PQresultStatus(after.get()) == PGRES_TUPLES_OK && std::strcmp(PQgetvalue(after.get(), 0, 0), "42") == 0;
  std::printf("%s\n", nlohmann::json{{"ok", true}, {"sqlstate", sqlstate}, {"elapsed", elapsed}, {"usable_after", usable}}
                          .dump()
                          .c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pgclient CONNINFO query SQL | copy | cancel\n");
    return 2;
  }
  Conn c(PQconnectdb(argv[1]));
  if (PQstatus(c.get()) != CONNECTION_OK) return fail(PQerrorMessage(c.get()));
  std::string cmd = argv[2];
  if (cmd == "query" && argc >= 4) return run_query(c.get(), argv[3]);
  if (cmd == "copy") return run_copy(c.get());
  if (cmd == "cancel") return run_cancel(c.get());
  return fail("unknown command");
}
