// borealis: one binary, several roles. `server` is the control plane, `gateway` the data plane it
// supervises, `dev` the quickstart, `cluster` and `directory` a small command-line front for desired
// state, `krb5-conf` the client Kerberos config of a directory.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cluster_command.h"
#include "cli/dev_command.h"
#include "cli/directory_command.h"
#include "cli/gateway_command.h"
#include "cli/log_level.h"
#include "cli/version.h"
#include "common/log.h"
#include "server/control_plane.h"

int main(int argc, char** argv) {
  using namespace borealis;
  CLI::App app{"borealis: PostgreSQL clusters with Kerberos, IAM-token and SCRAM logins"};
  app.require_subcommand(1);

  auto* version = app.add_subcommand("version", "Print the version");

  server::ServerOptions server_opts;
  auto* server_cmd = app.add_subcommand("server", "Run the control plane (supervises PostgreSQL and the gateway)");
  server_cmd->add_option("--data-dir", server_opts.data_dir, "Data directory (default /var/lib/borealis as root)");
  server_cmd->add_option("--service-user", server_opts.service_user, "OS user for postgres and the gateway when root");
  server_cmd->add_option("--log-level", server_opts.log_level, "debug|info|warn|error");
  server_cmd->add_option("--gateway-auth-timeout", server_opts.gateway_auth_timeout_s,
                         "Seconds a client has to finish authenticating at the gateway (default 60)")
      ->check(CLI::Range(1, 3600));
  server_cmd->add_option("--kerberos-key-grace", server_opts.kerberos_key_grace_s,
                         "Seconds a rotated-out Kerberos key stays valid (default: 10 h 5 min, the realm's "
                         "maximum ticket life plus clock skew)")
      ->check(CLI::Range(1LL, 30LL * 24 * 3600));
  server_cmd->add_option("--endpoint-network", server_opts.endpoint_network,
                         "127.N: new clusters' endpoints get 127.N.x.y addresses (default 127.0)");
  server_cmd->add_option("--api-port", server_opts.api_port,
                         "Loopback port of the AWS-compatible API (default 4600; 0 picks a free port, named in the log)")
      ->check(CLI::Range(0, 65535));
  server_cmd->add_flag("!--no-api", server_opts.api_enabled, "Do not serve the AWS-compatible API");
  server_cmd->add_option("--region", server_opts.default_region, "The default region (default us-east-1)");
  server_cmd->add_option("--regions", server_opts.regions, "Regions the API serves (default: the default region)")
      ->delimiter(',');
  server_cmd->add_option("--sts-inactive-regions", server_opts.sts_inactive_regions,
                         "Regions where STS is deactivated (AssumeRole and domain joins fail there)")
      ->delimiter(',');

  cli::GatewayCommandOptions gw_opts;
  auto* gw_cmd = app.add_subcommand("gateway", "Run the PostgreSQL gateway (started by `borealis server`)");
  gw_cmd->add_option("--config", gw_opts.config_path, "Gateway config written by the control plane")->required();
  gw_cmd->add_option("--log-level", gw_opts.log_level, "debug|info|warn|error");

  cli::DevCommandOptions dev_opts;
  auto* dev_cmd = app.add_subcommand("dev", "Quickstart: run the server with a ready cluster \"dev\"");
  dev_cmd->add_option("--data-dir", dev_opts.data_dir, "Data directory");
  dev_cmd->add_option("--log-level", dev_opts.log_level, "debug|info|warn|error");
  dev_cmd->add_option("--service-user", dev_opts.service_user, "OS user for postgres and the gateway when root");
  dev_cmd->add_option("--endpoint-network", dev_opts.endpoint_network,
                      "127.N: endpoints and directories get 127.N.x.y addresses (default 127.0)");

  cli::ClusterCommandOptions cl;
  auto* cluster_cmd = app.add_subcommand("cluster", "Create, delete, list and describe clusters");
  cluster_cmd->require_subcommand(1);
  auto* create = cluster_cmd->add_subcommand("create", "Request a new cluster");
  create->add_option("--data-dir", cl.data_dir, "Data directory");
  create->add_option("--db-cluster-identifier,--id", cl.id, "Cluster identifier")->required();
  create->add_option("--master-username", cl.master_username, "Master user (not a superuser)");
  auto* pw = create->add_option("--master-user-password", cl.master_password, "Master password");
  auto* pw_stdin = create->add_flag("--master-user-password-stdin", cl.password_stdin, "Read the master password from stdin");
  pw->excludes(pw_stdin);
  create->add_flag("--enable-iam-database-authentication", cl.enable_iam, "Allow IAM token logins");
  create->add_option("--domain", cl.domain, "Directory id (d-…) whose domain the cluster joins");
  auto* del = cluster_cmd->add_subcommand("delete", "Delete a cluster and its data");
  del->add_option("--data-dir", cl.data_dir, "Data directory");
  del->add_option("--db-cluster-identifier,--id", cl.id, "Cluster identifier")->required();
  auto* list = cluster_cmd->add_subcommand("list", "List clusters (JSON)");
  list->add_option("--data-dir", cl.data_dir, "Data directory");
  auto* desc = cluster_cmd->add_subcommand("describe", "Describe one cluster (JSON)");
  desc->add_option("--data-dir", cl.data_dir, "Data directory");
  desc->add_option("--db-cluster-identifier,--id", cl.id, "Cluster identifier")->required();

  auto* modify = cluster_cmd->add_subcommand("modify", "Change a cluster's domain membership and Kerberos settings");
  modify->add_option("--data-dir", cl.data_dir, "Data directory");
  modify->add_option("--db-cluster-identifier,--id", cl.id, "Cluster identifier")->required();
  modify->add_option("--domain", cl.domain, "Directory id (d-…) to join, or none to leave the domain");
  modify->add_option("--krb-caseins-users", cl.krb_caseins_users, "Case-insensitive Kerberos user names")
      ->check(CLI::IsMember({"on", "off"}));
  modify->add_option("--native-direct", cl.native_direct,
                     "PostgreSQL's own GSSAPI on the endpoint address, beside the gateway (for comparison)")
      ->check(CLI::IsMember({"on", "off"}));
  modify->add_flag("--rotate-kerberos-key", cl.rotate_kerberos_key,
                   "New key for the cluster's service principal (the previous one stays valid)");

  cli::DirectoryCommandOptions dir_opts;
  auto* directory_cmd = app.add_subcommand("directory", "Create, delete, list and describe directories (MIT KDC)");
  directory_cmd->require_subcommand(1);
  auto* dir_create = directory_cmd->add_subcommand("create", "Request a new directory");
  dir_create->add_option("--data-dir", dir_opts.data_dir, "Data directory");
  dir_create->add_option("--name", dir_opts.name, "DNS name, e.g. corp.example.com")->required();
  dir_create->add_option("--short-name", dir_opts.short_name, "Short (NetBIOS-like) name");
  dir_create->add_option("--description", dir_opts.description, "Description");
  auto* dir_pw = dir_create->add_option("--password", dir_opts.password, "Password of the directory's Admin");
  auto* dir_pw_stdin = dir_create->add_flag("--password-stdin", dir_opts.password_stdin, "Read the Admin password from stdin");
  dir_pw->excludes(dir_pw_stdin);
  auto* dir_describe = directory_cmd->add_subcommand("describe", "Describe one directory (JSON)");
  dir_describe->add_option("--data-dir", dir_opts.data_dir, "Data directory");
  dir_describe->add_option("--directory-id", dir_opts.id, "Directory id (d-…)")->required();
  auto* dir_list = directory_cmd->add_subcommand("list", "List directories (JSON)");
  dir_list->add_option("--data-dir", dir_opts.data_dir, "Data directory");
  auto* dir_delete = directory_cmd->add_subcommand("delete", "Delete a directory (no cluster may use it)");
  dir_delete->add_option("--data-dir", dir_opts.data_dir, "Data directory");
  dir_delete->add_option("--directory-id", dir_opts.id, "Directory id (d-…)")->required();
  auto* krb5_conf = app.add_subcommand("krb5-conf", "Print a client krb5.conf for a directory");
  krb5_conf->add_option("--data-dir", dir_opts.data_dir, "Data directory");
  krb5_conf->add_option("directory-id", dir_opts.id, "Directory id (d-…)")->required();

  CLI11_PARSE(app, argc, argv);

  if (*version) {
    std::cout << "borealis " << kVersion << "\n";
    return 0;
  }
  if (*server_cmd) {
    log::set_process_tag("server");
    cli::apply_log_level(server_opts.log_level);
    return server::run_server(server_opts);
  }
  if (*gw_cmd) return cli::run_gateway(gw_opts);
  if (*dev_cmd) return cli::run_dev(dev_opts);
  if (*create) {
    if (cl.master_password.empty() && !cl.password_stdin) {
      std::cerr << "borealis: --master-user-password or --master-user-password-stdin is required\n";
      return 2;
    }
    return cli::run_cluster_create(cl);
  }
  if (*del) return cli::run_cluster_delete(cl);
  if (*list) return cli::run_cluster_list(cl);
  if (*desc) return cli::run_cluster_describe(cl);
  if (*modify) return cli::run_cluster_modify(cl);
  if (*dir_create) {
    if (dir_opts.password.empty() && !dir_opts.password_stdin) {
      std::cerr << "borealis: --password or --password-stdin is required\n";
      return 2;
    }
    return cli::run_directory_create(dir_opts);
  }
  if (*dir_describe) return cli::run_directory_describe(dir_opts);
  if (*dir_list) return cli::run_directory_list(dir_opts);
  if (*dir_delete) return cli::run_directory_delete(dir_opts);
  if (*krb5_conf) return cli::run_krb5_conf(dir_opts);
  return 2;
}
