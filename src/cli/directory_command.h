// `borealis directory …` (create, describe, list, delete) and `borealis krb5-conf <directory-id>`:
// desired state for directories in a data dir's store, shown with AWS Directory Service's field
// names. Stands in for the DS API until it lands. The admin password is read from --password-stdin
// (or --password, visible in ps like the aws CLI's) and never printed.
#pragma once

#include <string>

namespace borealis::cli {

struct DirectoryCommandOptions {
  std::string data_dir;
  std::string id;
  std::string name;
  std::string short_name;
  std::string description;
  std::string password;
  bool password_stdin = false;
};

int run_directory_create(const DirectoryCommandOptions& options);
int run_directory_describe(const DirectoryCommandOptions& options);
int run_directory_list(const DirectoryCommandOptions& options);
int run_directory_delete(const DirectoryCommandOptions& options);
int run_krb5_conf(const DirectoryCommandOptions& options);

}  // namespace borealis::cli
