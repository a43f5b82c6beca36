// Server-side CPU of one full TLS handshake through the gateway's TlsServerContext, without sockets:
// client and server SSL objects talk over an in-memory BIO pair on one thread, and only the server's
// calls (SSL_new, SSL_accept steps, SSL_free) are timed, in thread CPU time. "Defaults" re-enables what
// OpenSSL 3 does out of the box (two TLS 1.3 session tickets, the server session cache) on the same
// context, so the difference is what those cost per login. The client is bench/tls_client's shared
// context (sslmode=require: no verification, which is client cost anyway).
//
//   taskset -c 1 build/bench/tls_accept_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <time.h>

#include <cstdlib>
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

struct Contexts {
  crypto::TlsServerContext server;
  SslCtxPtr client;
};

Contexts* make_contexts() {
  crypto::testing::ScratchDir dir;
  auto ca = crypto::make_self_signed_ca("bench CA", 2);
  auto leaf = ca ? crypto::issue_server_certificate(*ca, {"db.bench.test"}, {}, 2) : ca;
  if (!leaf) std::abort();
  auto server = crypto::TlsServerContext::from_files(dir.write("s.crt", leaf->cert_pem + ca->cert_pem),
                                                     dir.write("s.key", leaf->key_pem.reveal()));
  auto client = make_client_context(SslMode::require, "");
  if (!server || !client) std::abort();
  return new Contexts{std::move(*server), std::move(*client)};  // lives for the process
}

// One full handshake; returns the server's CPU seconds, or a negative value if it failed.
double server_handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) return -1;
  SslPtr client(SSL_new(client_ctx));
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_connect_state(client.get());
  double server_cpu = 0;
  double t0 = thread_cpu_seconds();
  SslPtr server(SSL_new(server_ctx));
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_accept_state(server.get());
  server_cpu += thread_cpu_seconds() - t0;
  bool client_done = false, server_done = false;
  for (int round = 0; round < 16 && !(client_done && server_done); ++round) {
    if (!client_done) {
      const int rc = SSL_connect(client.get());
      if (rc == 1) client_done = true;
      else if (SSL_get_error(client.get(), rc) != SSL_ERROR_WANT_READ) return -1;
    }
    t0 = thread_cpu_seconds();
    const int rc = server_done ? 1 : SSL_accept(server.get());
    server_cpu += thread_cpu_seconds() - t0;
    if (rc == 1) server_done = true;
    else if (SSL_get_error(server.get(), rc) != SSL_ERROR_WANT_READ) return -1;
  }
  char byte = 0;
  (void)SSL_read(client.get(), &byte, 1);  // takes in whatever the server sent after its Finished
  t0 = thread_cpu_seconds();
  server.reset();
  server_cpu += thread_cpu_seconds() - t0;
  return client_done && server_done ? server_cpu : -1;
}

void run(benchmark::State& state, bool openssl_defaults) {
  static Contexts* contexts = make_contexts();
  SSL_CTX* server_ctx = contexts->server.native();
  if (openssl_defaults) {
    SSL_CTX_set_num_tickets(server_ctx, 2);
    SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_clear_options(server_ctx, SSL_OP_NO_TICKET);
  }
  for (auto _ : state) {
    const double cpu = server_handshake(server_ctx, contexts->client.get());
    if (cpu < 0) {
      state.SkipWithError("handshake failed");
      break;
    }
    state.SetIterationTime(cpu);
  }
  if (openssl_defaults) {  // back to the gateway's settings for the next benchmark
    SSL_CTX_set_num_tickets(server_ctx, 0);
    SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(server_ctx, SSL_OP_NO_TICKET);
  }
}

void BM_GatewayContext(benchmark::State& state) { run(state, false); }
void BM_OpenSslDefaultTicketsAndCache(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_GatewayContext)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OpenSslDefaultTicketsAndCache)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace borealis::bench

BENCHMARK_MAIN();
