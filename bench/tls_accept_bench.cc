// CPU of one full TLS handshake through the gateway's TlsServerContext, without sockets: client and
// server SSL objects talk over an in-memory BIO pair on one thread, and each side's calls are timed
// apart, in thread CPU time.
//  - GatewayContext / OpenSslDefaultTicketsAndCache: the server's side only. "Defaults" re-enables
//    what OpenSSL 3 does out of the box (two TLS 1.3 session tickets, the server session cache) on the
//    same context, so the difference is what those cost per login (client: sslmode=require).
//  - BothEnds/*: client and server of one verify-full login handshake, the client as libpq builds it
//    (a new SSL_CTX and the CA file loaded per connection) or as bench/login_load does (one shared
//    SSL_CTX). Both ends of every TLS login run on the same cores when the load generator shares the
//    machine, so `ceiling_per_s_2cores` = 2 s / (client + server) is the most TLS logins per second two
//    cores can do before the gateway, the control plane, PostgreSQL or the kernel do anything at all.
//
//   taskset -c 1 build/bench/tls_accept_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <time.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "bench/tls_client.h"
#include "crypto/ca.h"
#include "crypto/test_files.h"
#include "crypto/tls.h"

namespace borealis::bench {
namespace {

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

constexpr const char* kHost = "db.bench.test";

struct Contexts {
  crypto::testing::ScratchDir dir;  // holds the CA file that libpq-style clients load per connection
  std::string ca_file;
  std::optional<crypto::TlsServerContext> server;  // no default state: set once below
  SslCtxPtr require_client;
  SslCtxPtr verifying_client;
};

Contexts& contexts() {
  static Contexts* made = [] {
    auto* c = new Contexts{};  // lives for the process
    auto ca = crypto::make_self_signed_ca("bench CA", 2);
    auto leaf = ca ? crypto::issue_server_certificate(*ca, {kHost}, {}, 2) : ca;
    if (!leaf) std::abort();
    c->ca_file = c->dir.write("ca.crt", ca->cert_pem);
    // The leaf alone, as the gateway serves its endpoint certificates (server/tls_material.cc).
    auto server = crypto::TlsServerContext::from_files(c->dir.write("s.crt", leaf->cert_pem),
                                                       c->dir.write("s.key", leaf->key_pem.reveal()));
    auto require = make_client_context(SslMode::require, "");
    auto verifying = make_client_context(SslMode::verify_full, c->ca_file);
    if (!server || !require || !verifying) std::abort();
    c->server.emplace(std::move(*server));
    c->require_client = std::move(*require);
    c->verifying_client = std::move(*verifying);
    return c;
  }();
  return *made;
}

struct Cost {
  double client = 0;  // CPU seconds of the client's calls
  double server = 0;
  bool ok = false;
};

// Runs `f` and adds its thread CPU time to `into`.
template <typename F>
auto timed(double& into, F&& f) {
  const double t0 = thread_cpu_seconds();
  auto r = f();
  into += thread_cpu_seconds() - t0;
  return r;
}

// One full handshake. `client_ctx` null: the client builds its own context first, as libpq does for
// every connection (SSL_CTX_new, the CA file read and parsed, verification on).
Cost handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx, SslMode mode) {
  Cost cost;
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) return cost;
  SslCtxPtr own_ctx;
  SslPtr client = timed(cost.client, [&]() -> SslPtr {
    if (client_ctx == nullptr) {
      auto made = make_client_context(mode, contexts().ca_file);
      if (!made) return nullptr;
      own_ctx = std::move(*made);
      client_ctx = own_ctx.get();
    }
    // fd -1 and then the BIO pair: the client pays for a socket BIO as a real one does.
    auto ssl = make_client_ssl(client_ctx, mode, kHost, -1);
    if (!ssl) return nullptr;
    SSL_set_bio(ssl->get(), client_bio, client_bio);
    return std::move(*ssl);
  });
  if (!client) {
    BIO_free(client_bio);
    BIO_free(server_bio);
    return cost;
  }
  SslPtr server = timed(cost.server, [&] {
    SslPtr ssl(SSL_new(server_ctx));
    SSL_set_bio(ssl.get(), server_bio, server_bio);
    SSL_set_accept_state(ssl.get());
    return ssl;
  });
  bool client_done = false, server_done = false;
  for (int round = 0; round < 16 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int rc = timed(cost.client, [&] { return SSL_connect(client.get()); });
      if (rc == 1) client_done = true;
      else if (SSL_get_error(client.get(), rc) != SSL_ERROR_WANT_READ) return cost;
    }
    const int rc = server_done ? 1 : timed(cost.server, [&] { return SSL_accept(server.get()); });
    if (rc == 1) server_done = true;
    else if (SSL_get_error(server.get(), rc) != SSL_ERROR_WANT_READ) return cost;
  }
  char byte = 0;
  // Takes in whatever the server sent after its Finished (nothing: no tickets).
  (void)timed(cost.client, [&] { return SSL_read(client.get(), &byte, 1); });
  timed(cost.server, [&] { server.reset(); return 0; });
  timed(cost.client, [&] { client.reset(); own_ctx.reset(); return 0; });
  cost.ok = client_done && server_done;
  return cost;
}

void server_side(benchmark::State& state, bool openssl_defaults) {
  SSL_CTX* server_ctx = contexts().server->native();
  if (openssl_defaults) {
    SSL_CTX_set_num_tickets(server_ctx, 2);
    SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_clear_options(server_ctx, SSL_OP_NO_TICKET);
  }
  for (auto _ : state) {
    const Cost cost = handshake(server_ctx, contexts().require_client.get(), SslMode::require);
    if (!cost.ok) {
      state.SkipWithError("handshake failed");
      break;
    }
    state.SetIterationTime(cost.server);
  }
  if (openssl_defaults) {  // back to the gateway's settings for the next benchmark
    SSL_CTX_set_num_tickets(server_ctx, 0);
    SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(server_ctx, SSL_OP_NO_TICKET);
  }
}

// Both ends of a verify-full handshake; the reported time is client + server.
void both_ends(benchmark::State& state, bool shared_client_context) {
  SSL_CTX* client_ctx = shared_client_context ? contexts().verifying_client.get() : nullptr;
  double client = 0, server = 0;
  for (auto _ : state) {
    const Cost cost = handshake(contexts().server->native(), client_ctx, SslMode::verify_full);
    if (!cost.ok) {
      state.SkipWithError("handshake failed");
      break;
    }
    client += cost.client;
    server += cost.server;
    state.SetIterationTime(cost.client + cost.server);
  }
  const auto n = static_cast<double>(state.iterations());
  if (n == 0 || client + server <= 0) return;
  state.counters["client_us"] = client / n * 1e6;
  state.counters["server_us"] = server / n * 1e6;
  state.counters["ceiling_per_s_2cores"] = 2.0 / ((client + server) / n);
}

void BM_GatewayContext(benchmark::State& state) { server_side(state, false); }
void BM_OpenSslDefaultTicketsAndCache(benchmark::State& state) { server_side(state, true); }
void BM_BothEnds_LibpqStyleClient(benchmark::State& state) { both_ends(state, false); }
void BM_BothEnds_SharedClientContext(benchmark::State& state) { both_ends(state, true); }
BENCHMARK(BM_GatewayContext)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OpenSslDefaultTicketsAndCache)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BothEnds_LibpqStyleClient)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BothEnds_SharedClientContext)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace borealis::bench

BENCHMARK_MAIN();
