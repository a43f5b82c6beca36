#include "identity/account.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/fs.h"
#include "common/log.h"
#include "common/random.h"
#include "identity/ids.h"
#include "store/iam_tables.h"
#include "store/store.h"

namespace borealis::identity {
namespace {

constexpr mode_t kAwsDirMode = 0700;
constexpr mode_t kAwsFileMode = 0600;  // the credentials file holds the root secret; config stays private too
constexpr std::size_t kCredentialsFileMaxBytes = 64 * 1024;  // we only look for our key id in it

struct RootKey {
  std::string id;
  Secret secret;
};

// The account id and a root key, created in one transaction the first time.
Result<std::pair<std::string, RootKey>> account_and_root_key(store::Store& store) {
  std::string account_id;
  RootKey root;
  Status s = store.transaction([&]() -> Status {
    auto existing = store.get_setting(kAccountIdSetting);
    if (!existing) return std::move(existing).error();
    if (*existing) {
      account_id = **existing;
      if (!valid_account_id(account_id))
        return make_error(Errc::invalid_argument, "setting account_id is not 12 digits: " + account_id);
    } else {
      // The first digit is not 0, so no tool that reads the id as a number loses a digit.
      account_id = random::from_alphabet(1, "123456789") + random::from_alphabet(11, "0123456789");
      if (auto set = store.set_setting(kAccountIdSetting, account_id); !set) return set;
    }
    store::IamTables tables(store);
    auto keys = tables.list_access_keys(store::KeyOwner::root, "");
    if (!keys) return std::move(keys).error();
    for (auto& k : *keys) {
      if (k.active) {
        root = RootKey{k.id, k.secret};
        return ok_status();
      }
    }
    if (!keys->empty()) {
      // Every root key was deactivated on purpose: keep it so, and write the first one for reference.
      log::warn("identity", "every root access key is inactive; {} written to the credentials file does not work",
                (*keys)[0].id);
      root = RootKey{(*keys)[0].id, (*keys)[0].secret};
      return ok_status();
    }
    store::AccessKeyRecord key;
    key.id = new_id(kAccessKeyPrefix);
    key.secret = new_secret_access_key();
    key.owner = store::KeyOwner::root;
    if (auto added = tables.add_access_key(key); !added) return added;
    log::info("identity", "created account {} and its root access key {}", account_id, key.id);
    root = RootKey{key.id, key.secret};
    return ok_status();
  });
  if (!s) return std::move(s).error();
  return std::make_pair(std::move(account_id), std::move(root));
}

// Writes `contents` unless the file exists and already contains `marker`.
Status write_unless_current(const std::string& path, const std::string& contents, const std::string& marker) {
  if (fs::exists(path)) {
    auto current = fs::read_file(path, kCredentialsFileMaxBytes);
    if (current && current->find(marker) != std::string::npos) {
      // Current, but narrow it again in case someone widened it.
      if (::chmod(path.c_str(), kAwsFileMode) != 0)
        return make_error(Errc::io_error, "chmod " + path + ": " + std::strerror(errno));
      return ok_status();
    }
  }
  return fs::write_file_atomic(path, contents, kAwsFileMode);
}

}  // namespace

bool valid_account_id(const std::string& id) {
  if (id.size() != 12) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

Result<AccountInfo> ensure_account(store::Store& store, const std::string& data_dir, const std::string& endpoint_url,
                                   const std::string& region) {
  auto account = account_and_root_key(store);
  if (!account) return std::move(account).error();
  auto& [account_id, root] = *account;

  AccountInfo info;
  info.account_id = account_id;
  info.root_access_key_id = root.id;
  const std::string dir = data_dir + "/aws";
  info.credentials_path = dir + "/credentials";
  info.config_path = dir + "/config";
  if (auto s = fs::ensure_dir(dir, kAwsDirMode); !s) return std::move(s).error();

  const std::string key_line = "aws_access_key_id = " + root.id + "\n";
  std::string credentials = "[default]\n" + key_line + "aws_secret_access_key = ";
  credentials.append(root.secret.reveal());
  credentials += "\n";
  Status written = write_unless_current(info.credentials_path, credentials, key_line);
  // Wipe our copy of the secret before anything else can happen to this string.
  std::fill(credentials.begin(), credentials.end(), '\0');
  if (!written) return std::move(written).error();

  const std::string region_line = "region = " + region + "\n";
  if (auto s = write_unless_current(info.config_path, "[default]\n" + region_line + "output = json\n", region_line); !s)
    return std::move(s).error();

  info.cli_prefix = "AWS_SHARED_CREDENTIALS_FILE=" + info.credentials_path + " AWS_CONFIG_FILE=" + info.config_path +
                    " /usr/bin/aws --endpoint-url " + endpoint_url;
  return info;
}

}  // namespace borealis::identity
