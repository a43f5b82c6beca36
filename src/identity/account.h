// The account this borealis is: a 12-digit account id (setting "account_id") and the root user's
// access key, made at first start and kept stable across restarts, plus an AWS CLI credentials and
// config file for them in <data_dir>/aws/ (directory 0700, files 0600), rewritten when missing or when
// they no longer name the root key. The secret access key is written to that file only; it is never
// logged or returned.
#pragma once

#include <string>

#include "common/result.h"

namespace borealis::store {
class Store;
}

namespace borealis::identity {

struct AccountInfo {
  std::string account_id;
  std::string root_access_key_id;
  std::string credentials_path;  // <data_dir>/aws/credentials
  std::string config_path;       // <data_dir>/aws/config
  // How to use them (aws CLI 2.9 reads no endpoint_url from its config):
  // AWS_SHARED_CREDENTIALS_FILE=… AWS_CONFIG_FILE=… /usr/bin/aws --endpoint-url http://127.0.0.1:PORT
  std::string cli_prefix;
};

inline constexpr const char* kAccountIdSetting = "account_id";

Result<AccountInfo> ensure_account(store::Store& store, const std::string& data_dir, const std::string& endpoint_url,
                                   const std::string& region);

// Whether `id` is 12 decimal digits.
bool valid_account_id(const std::string& id);

}  // namespace borealis::identity
