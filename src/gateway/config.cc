#include "gateway/config.h"

#include <nlohmann/json.hpp>

namespace borealis::gateway {
namespace {
using nlohmann::json;

// Bounds on a config file: it is ours, but a corrupt one must not make the gateway misbehave.
constexpr std::size_t kMaxEndpoints = 4096;

template <class T>
bool read_field(const json& j, const char* key, T& out, std::string& err, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) err = std::string("missing field \"") + key + "\"";
    return !required;
  }
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    err = std::string("field \"") + key + "\" has the wrong type";
    return false;
  }
  return true;
}
// {"security_groups": ["sg-…"], "allowed": ["127.0.0.0/8", …]}
Result<ClientSources> parse_client_sources(const json& j) {
  if (!j.is_object()) return make_error(Errc::invalid_argument, "client_sources is not an object");
  ClientSources out;
  auto groups = j.find("security_groups");
  auto allowed = j.find("allowed");
  if (groups == j.end() || !groups->is_array() || allowed == j.end() || !allowed->is_array())
    return make_error(Errc::invalid_argument, "client_sources needs security_groups and allowed arrays");
  for (const json& g : *groups) {
    if (!g.is_string()) return make_error(Errc::invalid_argument, "client_sources: a security group is not a string");
    out.security_groups.push_back(g.get<std::string>());
  }
  for (const json& a : *allowed) {
    // Canonical blocks only: a rule that reads narrower than it is ("10.0.0.1/8") would be a trap.
    auto cidr = a.is_string() ? parse_cidr(a.get<std::string>()) : std::nullopt;
    if (!cidr || !cidr->is_canonical())
      return make_error(Errc::invalid_argument, "client_sources: allowed entries must be IPv4 CIDR blocks");
    out.allowed.push_back(*cidr);
  }
  return out;
}

json render_client_sources(const std::optional<ClientSources>& sources) {
  if (!sources) return nullptr;
  json allowed = json::array();
  for (const auto& c : sources->allowed) allowed.push_back(c.to_string());
  return {{"security_groups", sources->security_groups}, {"allowed", allowed}};
}

}  // namespace

Result<GatewayConfig> parse_gateway_config(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error(Errc::invalid_argument, "gateway config is not a JSON object");
  GatewayConfig c;
  std::string err;
  std::string mock;
  bool ok = read_field(j, "version", c.version, err, true) && read_field(j, "catalog_user", c.catalog_user, err, false) &&
            read_field(j, "mock_secret", mock, err, true) &&
            read_field(j, "auth_timeout_s", c.auth_timeout_s, err, false) &&
            read_field(j, "pool_idle_timeout_s", c.pool_idle_timeout_s, err, false) &&
            read_field(j, "queue_timeout_s", c.queue_timeout_s, err, false) &&
            read_field(j, "shutdown_timeout_s", c.shutdown_timeout_s, err, false) &&
            read_field(j, "max_clients", c.max_clients, err, false) &&
            read_field(j, "iam_login_socket", c.iam_login_socket, err, false);
  if (!ok) return make_error(Errc::invalid_argument, "gateway config: " + err);
  c.mock_secret = Secret(std::move(mock));
  auto eps = j.find("endpoints");
  if (eps == j.end() || !eps->is_array()) return make_error(Errc::invalid_argument, "gateway config: missing endpoints array");
  if (eps->size() > kMaxEndpoints) return make_error(Errc::too_large, "gateway config: too many endpoints");
  for (const json& e : *eps) {
    if (!e.is_object()) return make_error(Errc::invalid_argument, "gateway config: endpoint is not an object");
    EndpointConfig ep;
    json inst = e.value("instance", json::object());
    ok = read_field(e, "name", ep.name, err, true) && read_field(e, "cluster_id", ep.cluster_id, err, true) &&
         read_field(e, "host", ep.host, err, true) && read_field(e, "address", ep.address, err, true) &&
         read_field(e, "port", ep.port, err, true) && read_field(e, "tls_cert", ep.tls_cert, err, false) &&
         read_field(e, "tls_key", ep.tls_key, err, false) && read_field(e, "iam_enabled", ep.iam_enabled, err, false) &&
         read_field(inst, "id", ep.instance.id, err, true) &&
         read_field(inst, "socket_dir", ep.instance.socket_dir, err, true) &&
         read_field(inst, "socket_port", ep.instance.socket_port, err, true) &&
         read_field(inst, "max_backends", ep.instance.max_backends, err, false);
    if (!ok) return make_error(Errc::invalid_argument, "gateway config: endpoint: " + err);
    if (auto k = e.find("kerberos"); k != e.end() && !k->is_null()) {
      if (!k->is_object()) return make_error(Errc::invalid_argument, "gateway config: kerberos is not an object");
      KerberosConfig kc;
      ok = read_field(*k, "realm", kc.realm, err, true) &&
           read_field(*k, "service_principal", kc.service_principal, err, true) &&
           read_field(*k, "keytab", kc.keytab, err, true) && read_field(*k, "replay_cache", kc.replay_cache, err, true) &&
           read_field(*k, "caseins_users", kc.caseins_users, err, false);
      if (!ok) return make_error(Errc::invalid_argument, "gateway config: endpoint " + ep.name + ": kerberos: " + err);
      if (kc.realm.empty() || kc.keytab.empty() || kc.keytab.front() != '/' || kc.replay_cache.empty() ||
          kc.replay_cache.front() != '/')
        return make_error(Errc::invalid_argument, "gateway config: endpoint " + ep.name +
                                                      ": kerberos needs a realm and absolute keytab and replay cache paths");
      ep.kerberos = std::move(kc);
    }
    if (auto src = e.find("client_sources"); src != e.end() && !src->is_null()) {
      auto sources = parse_client_sources(*src);
      if (!sources.ok())
        return make_error(Errc::invalid_argument, "gateway config: endpoint " + ep.name + ": " + sources.error().message);
      ep.client_sources = std::move(sources).value();
    }
    if (ep.port <= 0 || ep.port > 65535) return make_error(Errc::invalid_argument, "gateway config: bad port for " + ep.name);
    if (ep.instance.max_backends <= 0) return make_error(Errc::invalid_argument, "gateway config: bad max_backends for " + ep.name);
    c.endpoints.push_back(std::move(ep));
  }
  return c;
}

std::string render_gateway_config(const GatewayConfig& c) {
  json j;
  j["version"] = c.version;
  j["catalog_user"] = c.catalog_user;
  j["mock_secret"] = std::string(c.mock_secret.reveal());
  j["auth_timeout_s"] = c.auth_timeout_s;
  j["pool_idle_timeout_s"] = c.pool_idle_timeout_s;
  j["queue_timeout_s"] = c.queue_timeout_s;
  j["shutdown_timeout_s"] = c.shutdown_timeout_s;
  j["max_clients"] = c.max_clients;
  j["iam_login_socket"] = c.iam_login_socket;
  j["endpoints"] = json::array();
  for (const auto& e : c.endpoints) {
    json kerberos = nullptr;
    if (e.kerberos) {
      kerberos = {{"realm", e.kerberos->realm},
                  {"service_principal", e.kerberos->service_principal},
                  {"keytab", e.kerberos->keytab},
                  {"replay_cache", e.kerberos->replay_cache},
                  {"caseins_users", e.kerberos->caseins_users}};
    }
    j["endpoints"].push_back({{"name", e.name},
                              {"cluster_id", e.cluster_id},
                              {"host", e.host},
                              {"address", e.address},
                              {"port", e.port},
                              {"tls_cert", e.tls_cert},
                              {"tls_key", e.tls_key},
                              {"iam_enabled", e.iam_enabled},
                              {"kerberos", kerberos},
                              {"client_sources", render_client_sources(e.client_sources)},
                              {"instance",
                               {{"id", e.instance.id},
                                {"socket_dir", e.instance.socket_dir},
                                {"socket_port", e.instance.socket_port},
                                {"max_backends", e.instance.max_backends}}}});
  }
  return j.dump(2) + "\n";
}

}  // namespace borealis::gateway
