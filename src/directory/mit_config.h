// The text of the MIT krb5 files for one realm: kdc.conf, the realm tools' krb5.conf, kadm5.acl, and
// the client krb5.conf handed to users. Pure functions: no I/O. They never contain a secret.
#pragma once

#include <string>

#include "directory/directory.h"

namespace borealis::directory::mit {

struct RealmPaths {
  std::string dir;        // <data>/directories/<id>, 0700, service-user owned
  std::string kdc_conf;   // dir/kdc.conf      (KRB5_KDC_PROFILE)
  std::string krb5_conf;  // dir/krb5.conf     (KRB5_CONFIG of the realm's own tools)
  std::string acl;        // dir/kadm5.acl
  std::string database;   // dir/principal     (db2; the tools add .ok, .kadm5, .kadm5.lock)
  std::string stash;      // dir/stash         (master key, 0600)
  std::string keytabs;    // dir/keytabs       (exports staged here before moving into place)
  std::string kdc_log;    // dir/krb5kdc.log
  std::string kadmind_log;
};

RealmPaths realm_paths(const std::string& data_dir, const std::string& directory_id);

std::string kdc_conf(const Directory& dir, const RealmPaths& paths);
std::string realm_krb5_conf(const Directory& dir);
std::string kadm5_acl(const Directory& dir);
std::string client_krb5_conf(const Directory& dir);
// The [libdefaults] lines every borealis krb5.conf carries: no DNS at all (no reverse lookups, no
// canonicalised host names, no KDC/realm discovery) and TCP first.
std::string_view no_dns_libdefaults();

}  // namespace borealis::directory::mit
