// MIT krb5 configuration text (see mit_config.h).
#include "directory/mit_config.h"

#include <fmt/core.h>

namespace borealis::directory::mit {

RealmPaths realm_paths(const std::string& data_dir, const std::string& directory_id) {
  RealmPaths p;
  p.dir = data_dir + "/directories/" + directory_id;
  p.kdc_conf = p.dir + "/kdc.conf";
  p.krb5_conf = p.dir + "/krb5.conf";
  p.acl = p.dir + "/kadm5.acl";
  p.database = p.dir + "/principal";
  p.stash = p.dir + "/stash";
  p.keytabs = p.dir + "/keytabs";
  p.kdc_log = p.dir + "/krb5kdc.log";
  p.kadmind_log = p.dir + "/kadmind.log";
  return p;
}

std::string kdc_conf(const Directory& d, const RealmPaths& p) {
  // Listen addresses are set both in [kdcdefaults] and per realm: left unset, krb5kdc and kadmind
  // bind every address on the well-known ports (88/749/464). Logging goes to stderr, which the
  // supervisor appends to the daemon's 0600 log file.
  const std::string kdc = fmt::format("{}:{}", d.kdc_address, d.kdc_port);
  return fmt::format(
      "# Written by borealis for directory {id}; rewritten on start, do not edit.\n"
      "[kdcdefaults]\n"
      "    kdc_listen = {kdc}\n"
      "    kdc_tcp_listen = {kdc}\n"
      "\n"
      "[realms]\n"
      "    {realm} = {{\n"
      "        database_name = {db}\n"
      "        key_stash_file = {stash}\n"
      "        acl_file = {acl}\n"
      "        kdc_listen = {kdc}\n"
      "        kdc_tcp_listen = {kdc}\n"
      "        kadmind_listen = {addr}:{kadmin}\n"
      "        kpasswd_listen = {addr}:{kpasswd}\n"
      "        master_key_type = aes256-cts-hmac-sha1-96\n"
      "        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
      "        max_life = 10h 0m 0s\n"
      "        max_renewable_life = 7d 0h 0m 0s\n"
      "        default_principal_flags = +preauth\n"
      "    }}\n"
      "\n"
      "[logging]\n"
      "    kdc = STDERR\n"
      "    admin_server = STDERR\n"
      "    default = STDERR\n",
      fmt::arg("id", d.id), fmt::arg("kdc", kdc), fmt::arg("realm", d.realm), fmt::arg("db", p.database),
      fmt::arg("stash", p.stash), fmt::arg("acl", p.acl), fmt::arg("addr", d.kdc_address),
      fmt::arg("kadmin", d.kadmin_port), fmt::arg("kpasswd", d.kpasswd_port));
}

std::string_view no_dns_libdefaults() {
  return "    rdns = false\n"
         "    dns_canonicalize_hostname = false\n"
         "    dns_lookup_kdc = false\n"
         "    dns_lookup_realm = false\n"
         "    udp_preference_limit = 1\n";
}

std::string client_krb5_conf(const Directory& d) {
  // No DNS anywhere: the realm is reachable only at the addresses written here, and host names are
  // used as given (service principals are postgres/<host> exactly as configured).
  return fmt::format(
      "# krb5.conf for borealis directory {id} ({dns})\n"
      "[libdefaults]\n"
      "    default_realm = {realm}\n"
      "{no_dns}"
      "\n"
      "[realms]\n"
      "    {realm} = {{\n"
      "        kdc = {addr}:{kdc}\n"
      "        admin_server = {addr}:{kadmin}\n"
      "        kpasswd_server = {addr}:{kpasswd}\n"
      "    }}\n"
      "\n"
      "[domain_realm]\n"
      "    .{dns} = {realm}\n"
      "    {dns} = {realm}\n",
      fmt::arg("id", d.id), fmt::arg("dns", d.dns_name), fmt::arg("realm", d.realm),
      fmt::arg("no_dns", no_dns_libdefaults()), fmt::arg("addr", d.kdc_address), fmt::arg("kdc", d.kdc_port), fmt::arg("kadmin", d.kadmin_port),
      fmt::arg("kpasswd", d.kpasswd_port));
}

std::string realm_krb5_conf(const Directory& d) { return client_krb5_conf(d); }

std::string kadm5_acl(const Directory& d) {
  // kadmind uses the FIRST line whose actor and target match. Lines restricting Admin therefore
  // come before its catch-all grant:
  //  - postgres/* are service principals whose keys borealis rotates and exports (via kadmin.local,
  //    which bypasses this file); Admin may look at and list them, never change, extract or delete;
  //  - the realm's own principals (krbtgt, kadmin, kiprop, K/M, Admin's peers) likewise.
  //  - everything else (users) Admin fully manages, like AWS Managed AD's Admin in its OU.
  const std::string& r = d.realm;
  return fmt::format(
      "# Written by borealis for directory {id}. First matching line wins.\n"
      "Admin@{r}  il  postgres/*@{r}\n"
      "Admin@{r}  il  krbtgt/*@{r}\n"
      "Admin@{r}  il  kadmin/*@{r}\n"
      "Admin@{r}  il  kiprop/*@{r}\n"
      "Admin@{r}  il  K/M@{r}\n"
      "Admin@{r}  *\n",
      fmt::arg("id", d.id), fmt::arg("r", r));
}

}  // namespace borealis::directory::mit
