// DescribeDBEngineVersions and DescribeOrderableDBInstanceOptions, answered from the PostgreSQL
// installed on this host (see rds_engines.h).
#include "server/rds_engines.h"

#include <stdio.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "cluster/instance.h"
#include "server/rds_handlers.h"
#include "server/rds_shapes.h"
#include "store/rds_tables.h"

namespace borealis::server::rds {
namespace {

// `postgres --version` and `pg_config --configure` print a line or two; anything longer is not them.
constexpr std::size_t kMaxProbeOutput = 64 * 1024;

struct PipeCloser {
  void operator()(FILE* f) const noexcept { ::pclose(f); }
};

// Runs a fixed command line (no user input reaches it) and returns what it printed.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, PipeCloser> pipe(::popen(command.c_str(), "re"));
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  while (out.size() < kMaxProbeOutput) {
    std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get());
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

// AWS offers Kerberos authentication for Aurora PostgreSQL in these regions (not, e.g., in the
// newest regions or the isolated ones).
constexpr std::string_view kKerberosRegions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",    "us-west-2",    "af-south-1",    "ap-east-1",
    "ap-south-1",     "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1",   "eu-central-1",   "eu-west-1",    "eu-west-2",    "eu-west-3",     "eu-north-1",
    "eu-south-1",     "me-south-1",     "sa-east-1",    "us-gov-east-1", "us-gov-west-1", "cn-north-1",
    "cn-northwest-1",
};

constexpr std::string_view kInstanceClasses[] = {
    "db.r5.large",   "db.r5.xlarge",   "db.r5.2xlarge",  "db.r5.4xlarge", "db.r6g.large", "db.r6g.xlarge",
    "db.r6g.2xlarge", "db.r6g.4xlarge", "db.r6i.large",  "db.r6i.xlarge", "db.t3.medium", "db.t4g.medium",
    "db.x2g.large",
};

bool wanted(const std::optional<std::string>& filter, const std::string& value) { return !filter || *filter == value; }

}  // namespace

std::string parse_postgres_version(std::string_view text) {
  constexpr std::string_view marker = "(PostgreSQL) ";
  auto at = text.find(marker);
  if (at == std::string_view::npos) return "";
  text.remove_prefix(at + marker.size());
  std::size_t n = 0;
  while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) ++n;
  std::string version(text.substr(0, n));
  if (version.empty() || !std::isdigit(static_cast<unsigned char>(version.front()))) return "";
  if (version.back() == '.') version.pop_back();
  return version;
}

InstalledEngine probe_engine(const std::string& bin_dir) {
  InstalledEngine e;
  e.version = parse_postgres_version(run("'" + bin_dir + "/postgres' --version 2>/dev/null"));
  if (e.version.empty()) e.version = "15";
  e.major = e.version.substr(0, e.version.find('.'));
  e.gssapi = run("'" + bin_dir + "/pg_config' --configure 2>/dev/null").find("'--with-gssapi'") != std::string::npos;
  return e;
}

const InstalledEngine& installed_engine() {
  static const InstalledEngine engine = probe_engine(cluster::InstanceOptions{}.bin_dir);
  return engine;
}

bool kerberos_offered_in(std::string_view region) {
  return std::find(std::begin(kKerberosRegions), std::end(kKerberosRegions), region) != std::end(kKerberosRegions);
}

std::span<const std::string_view> orderable_instance_classes() { return kInstanceClasses; }

bool orderable_instance_class(std::string_view instance_class) {
  return std::find(std::begin(kInstanceClasses), std::end(kInstanceClasses), instance_class) != std::end(kInstanceClasses);
}

api::Reply describe_db_engine_versions(api::CallContext& context, const nlohmann::json& input) {
  (void)context;
  Input in(input);
  auto engine = in.string("Engine");
  auto version = in.string("EngineVersion");
  auto family = in.string("DBParameterGroupFamily");
  (void)in.boolean("DefaultOnly");  // one version: it is the default
  if (auto refused = in.refuse_filters()) return *refused;
  const InstalledEngine& e = installed_engine();
  nlohmann::json out = nlohmann::json::array();
  const bool version_matches = !version || *version == e.version || *version == e.major;
  if (wanted(engine, std::string(kEngine)) && version_matches && wanted(family, std::string(store::kAuroraPostgresFamily))) {
    out.push_back({{"Engine", kEngine},
                   {"EngineVersion", e.version},
                   {"DBParameterGroupFamily", store::kAuroraPostgresFamily},
                   {"DBEngineDescription", "Aurora (PostgreSQL)"},
                   {"DBEngineVersionDescription", "Aurora PostgreSQL (Compatible with PostgreSQL " + e.version + ")"},
                   {"MajorEngineVersion", e.major},
                   {"ValidUpgradeTarget", nlohmann::json::array()},
                   {"ExportableLogTypes", nlohmann::json::array({"postgresql"})},
                   {"SupportsLogExportsToCloudwatchLogs", false},
                   {"SupportsReadReplica", false},
                   {"SupportedEngineModes", nlohmann::json::array({"provisioned"})},
                   {"SupportedFeatureNames", nlohmann::json::array()},
                   {"Status", "available"},
                   {"SupportsParallelQuery", false},
                   {"SupportsGlobalDatabases", false},
                   {"SupportsBabelfish", false}});
  }
  return api::Reply::ok({{"DBEngineVersions", out}});
}

api::Reply describe_orderable_db_instance_options(api::CallContext& context, const nlohmann::json& input) {
  Input in(input);
  auto engine = in.string("Engine");
  auto version = in.string("EngineVersion");
  auto instance_class = in.string("DBInstanceClass");
  auto vpc = in.boolean("Vpc");
  if (auto refused = in.refuse_filters()) return *refused;
  if (!engine) return fail(kMissingParameter, "The request must contain the parameter Engine");
  const InstalledEngine& e = installed_engine();
  const std::string region = region_of(context);
  // Kerberos needs both: the engine built with GSSAPI here, and AWS offering it in the region.
  const bool kerberos = e.gssapi && kerberos_offered_in(region);
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& z : availability_zones(region)) zones.push_back({{"Name", z}});
  nlohmann::json out = nlohmann::json::array();
  const bool version_matches = !version || *version == e.version || *version == e.major;
  if (*engine == kEngine && version_matches && vpc.value_or(true)) {
    for (std::string_view c : kInstanceClasses) {
      if (!wanted(instance_class, std::string(c))) continue;
      out.push_back({{"Engine", kEngine},
                     {"EngineVersion", e.version},
                     {"DBInstanceClass", c},
                     {"LicenseModel", "postgresql-license"},
                     {"AvailabilityZones", zones},
                     {"MultiAZCapable", false},
                     {"ReadReplicaCapable", false},
                     {"Vpc", true},
                     {"SupportsStorageEncryption", false},
                     {"StorageType", "aurora"},
                     {"SupportsIops", false},
                     {"SupportsEnhancedMonitoring", false},
                     {"SupportsIAMDatabaseAuthentication", true},
                     {"SupportsPerformanceInsights", false},
                     {"SupportedEngineModes", nlohmann::json::array({"provisioned"})},
                     {"SupportsStorageAutoscaling", false},
                     {"SupportsKerberosAuthentication", kerberos},
                     {"OutpostCapable", false},
                     {"SupportsGlobalDatabases", false},
                     {"SupportsClusters", true},
                     {"SupportedNetworkTypes", nlohmann::json::array({"IPV4"})},
                     {"SupportsStorageThroughput", false}});
    }
  }
  return api::Reply::ok({{"OrderableDBInstanceOptions", out}});
}

}  // namespace borealis::server::rds
