// `borealis dev`: directory, Kerberos user, domain membership and role (see dev_directory.h).
#include "cli/dev_directory.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "common/fs.h"
#include "common/log.h"
#include "common/random.h"
#include "directory/mit_config.h"
#include "directory/mit_provider.h"
#include "server/control_plane.h"
#include "server/directory_requests.h"
#include "server/membership.h"
#include "supervise/service_user.h"

namespace borealis::cli {
namespace {

constexpr const char* kDevDomain = "corp.example.com";
constexpr const char* kDevKerberosUser = "alice";
constexpr std::string_view kComponent = "dev";
constexpr std::string_view kPasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

// Letters and digits (no shell or kadmin quoting needed), drawn until AWS's rule (three character
// classes) holds.
Secret generate_password() {
  for (;;) {
    Secret s(random::from_alphabet(24, kPasswordAlphabet));
    if (directory::validate_admin_password(s)) return s;
  }
}

Result<Secret> read_secret_file(const std::string& path) {
  auto text = fs::read_file(path, 4096);
  if (!text.ok()) return std::move(text).error();
  std::string value = std::move(*text);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return Secret(std::move(value));
}

// A line ending in '\n', so `kinit … < file` reads exactly the password.
Status write_secret_file(const std::string& path, const Secret& secret) {
  std::string line(secret.reveal());
  line.push_back('\n');
  const Secret content(std::move(line));
  return fs::write_file_atomic(path, content.reveal(), 0600);
}

}  // namespace

DevDirectory::DevDirectory(server::DataDir dir, std::string service_user)
    : dir_(std::move(dir)), service_user_(std::move(service_user)) {}

Result<std::string> DevDirectory::ensure_requested(store::Store& store) {
  auto list = store.list_directories();
  if (!list.ok()) return std::move(list).error();
  for (const auto& d : *list) {
    if (d.dns_name == kDevDomain) return directory_id_ = d.id;
  }
  const Secret admin = generate_password();
  // The file first: a directory whose Admin password nobody knows would be useless.
  if (auto s = write_secret_file(dir_.root + "/dev.directory-admin", admin); !s) return std::move(s).error();
  // A new realm has no alice yet, whatever an old password file says.
  (void)::unlink((dir_.root + "/dev.alice-password").c_str());
  auto d = server::request_create_directory(store, {kDevDomain, "", "borealis dev", admin});
  if (!d.ok()) return std::move(d).error();
  return directory_id_ = d->id;
}

Status DevDirectory::create_alice(const store::DirectoryRecord& record) {
  auto d = server::to_directory(record);
  if (!d.ok()) return std::move(d).error();
  auto admin = read_secret_file(dir_.root + "/dev.directory-admin");
  if (!admin.ok()) return std::move(admin).error();
  auto user = supervise::lookup_or_create(service_user_);
  if (!user.ok()) return std::move(user).error();
  directory::MitProvider tool(directory::MitOptions{dir_.root, *user, server::stdin_exec_path()});
  const Secret password = generate_password();
  // `addprinc` without -pw prompts for the new password twice (stdin); a principal left by an
  // earlier run whose password file was lost gets a new password instead.
  auto out = tool.admin_query(*d, *admin, std::string("addprinc ") + kDevKerberosUser, {&password, &password});
  if (!out.ok()) return std::move(out).error();
  if (out->find("created") == std::string::npos) {
    if (out->find("already exists") == std::string::npos)
      return make_error(Errc::internal, "kadmin addprinc " + std::string(kDevKerberosUser) + ": " + *out);
    out = tool.admin_query(*d, *admin, std::string("cpw ") + kDevKerberosUser, {&password, &password});
    if (!out.ok()) return std::move(out).error();
    if (out->find("changed") == std::string::npos)
      return make_error(Errc::internal, "kadmin cpw " + std::string(kDevKerberosUser) + ": " + *out);
  }
  return write_secret_file(dir_.root + "/dev.alice-password", password);
}

Status DevDirectory::create_role(const store::ClusterRecord& c, const std::string& role) {
  // As the master user through the gateway, over verified TLS, exactly as a user would.
  const std::string conninfo = "host=" + c.endpoint_host + " hostaddr=" + c.endpoint_address +
                               " port=" + std::to_string(c.port) + " user=" + c.master_username +
                               " dbname=postgres passfile=" + dir_.root + "/dev.pgpass sslmode=verify-full sslrootcert=" +
                               dir_.ca_cert() + " gssencmode=disable connect_timeout=5";
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    return make_error(Errc::unavailable, std::string("connecting as the master user: ") +
                                             (conn ? PQerrorMessage(conn.get()) : "out of memory"));
  // `role` is built from a validated realm and a constant user name: no quoting beyond the double
  // quotes is needed, and the statement carries no secret.
  const std::string sql =
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE \"" + role +
      "\" WITH LOGIN; END IF; END $$; GRANT rds_ad TO \"" + role + "\";";
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK)
    return make_error(Errc::internal, std::string("creating role ") + role + ": " + PQerrorMessage(conn.get()));
  return ok_status();
}

bool DevDirectory::after_reconcile(store::Store& store, const std::string& cluster_id) {
  if (printed_ || directory_id_.empty()) return printed_;
  auto d = store.get_directory(directory_id_);
  if (!d.ok()) return false;
  if (d->stage == "Failed" && !reported_failure_) {
    reported_failure_ = true;
    std::cerr << "borealis dev: directory " << d->id << " failed: " << d->stage_reason << "\n";
  }
  if (d->stage != "Active") return false;
  auto step_failed = [&](const std::string& what, const Error& e) {
    // Each step is retried every pass; say so once per distinct error, not every second.
    if (e.message == last_error_) return;
    last_error_ = e.message;
    log::warn(kComponent, "{}: {} (will retry)", what, e.message);
  };
  if (!alice_ready_) {
    auto conf = directory::mit::client_krb5_conf(*server::to_directory(*d));
    if (auto s = fs::write_file_atomic(dir_.root + "/krb5.conf", conf, 0644); !s) {
      step_failed("writing krb5.conf", s.error());
      return false;
    }
    if (fs::exists(dir_.root + "/dev.alice-password")) {
      alice_ready_ = true;
    } else if (auto s = create_alice(*d); !s) {
      step_failed("creating user alice", s.error());
      return false;
    } else {
      alice_ready_ = true;
    }
  }
  auto c = store.get_cluster(cluster_id);
  if (!c.ok() || c->status != "available" || c->domain_status != server::kKerberosEnabled) return false;
  const std::string principal = std::string(kDevKerberosUser) + "@" + d->realm;
  if (!role_ready_) {
    if (auto s = create_role(*c, principal); !s) {
      step_failed("creating role " + principal, s.error());
      return false;
    }
    role_ready_ = true;
  }
  print(*c, principal);
  printed_ = true;
  return true;
}

void DevDirectory::print(const store::ClusterRecord& c, const std::string& principal) const {
  const std::string krb5 = dir_.root + "/krb5.conf";
  std::cout << "\nKerberos is ready: directory " << directory_id_ << " (" << kDevDomain << "), user " << principal
            << ",\ncluster " << c.id << " joined to the domain. Admin password in " << dir_.root
            << "/dev.directory-admin, alice's in " << dir_.root << "/dev.alice-password (0600).\n\n"
            << "Log in as alice with Kerberos:\n"
            << "  KRB5_CONFIG=" << krb5 << " kinit " << principal << " < " << dir_.root << "/dev.alice-password\n"
            << "  KRB5_CONFIG=" << krb5 << " psql \"host=" << c.endpoint_host << " hostaddr=" << c.endpoint_address
            << " port=" << c.port << " user=" << principal << " dbname=postgres gssencmode=require\"\n\n"
            << "Manage users with the directory's own tool:\n"
            << "  KRB5_CONFIG=" << krb5 << " kadmin -p Admin\n"
            << std::flush;
}

}  // namespace borealis::cli
