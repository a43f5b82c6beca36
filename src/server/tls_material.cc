#include "server/tls_material.h"

#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "crypto/ca.h"

namespace borealis::server {
namespace {
constexpr int kCaValidDays = 3650;
constexpr int kEndpointValidDays = 825;  // the longest lifetime clients accept for a server cert
}  // namespace

Status ensure_ca(const DataDir& dir) {
  if (fs::exists(dir.ca_cert()) && fs::exists(dir.ca_key())) return ok_status();
  auto ca = crypto::make_self_signed_ca("borealis CA " + dir.root, kCaValidDays);
  if (!ca.ok()) return std::move(ca).error();
  if (auto s = fs::write_file_atomic(dir.ca_key(), ca->key_pem.reveal(), 0600); !s) return s;
  if (auto s = fs::write_file_atomic(dir.ca_cert(), ca->cert_pem, 0644); !s) return s;
  log::info("server", "created certificate authority {}", dir.ca_cert());
  return ok_status();
}

Status ensure_endpoint_certificate(const DataDir& dir, const supervise::ServiceUser& user, const std::string& name,
                                   const std::vector<std::string>& hosts, const std::string& address) {
  const std::string cert_path = dir.endpoint_cert(name);
  const std::string key_path = dir.endpoint_key(name);
  const std::string stamp_path = cert_path + ".names";
  // What the certificate file holds; a file written to an older recipe (leaf + CA) is issued again.
  std::string names;
  for (const auto& h : hosts) names += h + " ";
  names += address + " leaf-only";
  if (fs::exists(cert_path) && fs::exists(key_path)) {
    auto stamp = fs::read_file(stamp_path);
    if (stamp.ok() && *stamp == names) return ok_status();
  }
  auto ca_cert = fs::read_file(dir.ca_cert());
  if (!ca_cert.ok()) return std::move(ca_cert).error();
  auto ca_key = fs::read_file(dir.ca_key());
  if (!ca_key.ok()) return std::move(ca_key).error();
  crypto::PemPair ca{std::move(ca_cert).value(), Secret(std::move(ca_key).value())};
  auto leaf = crypto::issue_server_certificate(ca, hosts, {address}, kEndpointValidDays);
  if (!leaf.ok()) return std::move(leaf).error();
  // The leaf alone: it is signed by the CA itself, and a client that verifies has the CA as its trust
  // anchor (sslrootcert), which RFC 8446 4.4.2 lets a server leave out of the chain. Sending it too made
  // every client decode a second certificate and public key per handshake — with OpenSSL 3.0 a large
  // share of a TLS login's client CPU.
  if (auto s = fs::write_file_atomic(key_path, leaf->key_pem.reveal(), 0600); !s) return s;
  if (auto s = fs::write_file_atomic(cert_path, leaf->cert_pem, 0600); !s) return s;
  if (auto s = fs::write_file_atomic(stamp_path, names, 0600); !s) return s;
  if (!user.is_current_user) {
    for (const auto& p : {key_path, cert_path, stamp_path}) {
      if (auto s = fs::chown_path(p, user.uid, user.gid); !s) return s;
    }
  }
  log::info("server", "issued TLS certificate for endpoint {} ({})", name, hosts.empty() ? address : hosts.front());
  return ok_status();
}

Status remove_endpoint_certificate(const DataDir& dir, const std::string& name) {
  for (const auto& p : {dir.endpoint_cert(name), dir.endpoint_key(name), dir.endpoint_cert(name) + ".names"}) {
    ::unlink(p.c_str());
  }
  return ok_status();
}

}  // namespace borealis::server
