// What engine borealis serves, found on this host: the installed PostgreSQL's version (Aurora
// PostgreSQL "15.x", family aurora-postgresql15) and whether it was built with GSSAPI (Kerberos),
// plus the instance classes and the per-region Kerberos availability table that
// DescribeOrderableDBInstanceOptions answers from. Probes run once (a fixed path, no shell).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace borealis::server::rds {

inline constexpr std::string_view kEngine = "aurora-postgresql";

struct InstalledEngine {
  std::string version;  // "15.20"; "15" when the probe could not tell
  std::string major;    // "15"
  bool gssapi = false;  // built --with-gssapi
};

// The PostgreSQL under `bin_dir` (postgres --version, pg_config --configure).
InstalledEngine probe_engine(const std::string& bin_dir);
// The engine of this host, probed on first use.
const InstalledEngine& installed_engine();

// Parses "postgres (PostgreSQL) 15.20 (Debian …)" → "15.20"; "" when it does not look like that.
std::string parse_postgres_version(std::string_view text);

// Regions where AWS offers Kerberos authentication for Aurora PostgreSQL (a table in code; AWS's
// list is per engine version and region).
bool kerberos_offered_in(std::string_view region);
// DB instance classes borealis accepts for aurora-postgresql (AWS's r5/r6g/t3/t4g/x2g families).
std::span<const std::string_view> orderable_instance_classes();
bool orderable_instance_class(std::string_view instance_class);

}  // namespace borealis::server::rds
