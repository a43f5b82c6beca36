// `borealis directory …` and `borealis krb5-conf` (see directory_command.h).
#include "cli/directory_command.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cluster_command.h"
#include "directory/mit_config.h"
#include "server/directory_requests.h"
#include "store/store.h"

namespace borealis::cli {
namespace {

nlohmann::json describe(const store::DirectoryRecord& d) {
  return {{"DirectoryId", d.id},
          {"Name", d.dns_name},
          {"ShortName", d.short_name},
          {"Description", d.description},
          {"Stage", d.stage},
          {"StageReason", d.stage_reason},
          {"DnsIpAddrs", nlohmann::json::array({d.kdc_address})},
          {"LaunchTime", d.created_at},
          {"Provider", d.kind},
          {"Realm", d.realm},
          {"KdcPort", d.kdc_port},
          {"KadminPort", d.kadmin_port},
          {"KpasswdPort", d.kpasswd_port}};
}

int fail(const Error& e) {
  std::cerr << "borealis: " << e.message << "\n";
  return e.code == Errc::invalid_argument ? 2 : 1;
}

Result<store::DirectoryRecord> find(store::Store& store, const std::string& id) {
  auto d = store.get_directory(id);
  if (!d.ok()) return make_error(Errc::not_found, "directory " + id + " not found");
  return d;
}

}  // namespace

int run_directory_create(const DirectoryCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  std::string password = o.password;
  if (o.password_stdin) std::getline(std::cin, password);
  auto d = server::request_create_directory(*store, {o.name, o.short_name, o.description, Secret(std::move(password))});
  if (!d.ok()) return fail(d.error());
  poke_server(o.data_dir);
  std::cout << describe(*d).dump(2) << "\n";
  return 0;
}

int run_directory_describe(const DirectoryCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto d = find(*store, o.id);
  if (!d.ok()) return fail(d.error());
  std::cout << describe(*d).dump(2) << "\n";
  return 0;
}

int run_directory_list(const DirectoryCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto list = store->list_directories();
  if (!list.ok()) return fail(list.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : *list) out.push_back(describe(d));
  std::cout << nlohmann::json{{"DirectoryDescriptions", out}}.dump(2) << "\n";
  return 0;
}

int run_directory_delete(const DirectoryCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  if (auto s = server::request_delete_directory(*store, o.id); !s) return fail(s.error());
  poke_server(o.data_dir);
  std::cout << nlohmann::json{{"DirectoryId", o.id}}.dump(2) << "\n";
  return 0;
}

int run_krb5_conf(const DirectoryCommandOptions& o) {
  auto store = open_store(o.data_dir);
  if (!store.ok()) return fail(store.error());
  auto r = find(*store, o.id);
  if (!r.ok()) return fail(r.error());
  auto d = server::to_directory(*r);
  if (!d.ok()) return fail(d.error());
  std::cout << directory::mit::client_krb5_conf(*d);
  return 0;
}

}  // namespace borealis::cli
