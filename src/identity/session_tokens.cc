#include "identity/session_tokens.h"

#include <array>

#include "common/fs.h"
#include "common/random.h"
#include "crypto/hash.h"

namespace borealis::identity {
namespace {

constexpr std::size_t kKeyHexChars = 64;  // 256 random bits
constexpr mode_t kKeyFileMode = 0600;
// Four HMAC blocks: 1,024 bits of token, close to the size of AWS's tokens so clients that store them cope.
constexpr int kTokenBlocks = 4;

std::string key_path(const std::string& data_dir) { return data_dir + "/" + kTokenKeyFile; }

bool valid_key(std::string_view text) {
  if (text.size() != kKeyHexChars) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Result<Secret> load_token_key(const std::string& data_dir) {
  if (data_dir.empty()) return make_error(Errc::invalid_argument, "no data directory for the STS token key");
  const std::string path = key_path(data_dir);
  if (!fs::exists(path)) return make_error(Errc::not_found, path + " does not exist");
  auto text = fs::read_file(path, kKeyHexChars + 1);
  if (!text) return std::move(text).error();
  Secret key(std::move(text).value());
  if (!valid_key(key.reveal())) return make_error(Errc::invalid_argument, path + " is not a 64-hex-digit key");
  return key;
}

Result<Secret> load_or_create_token_key(const std::string& data_dir) {
  auto key = load_token_key(data_dir);
  if (key || key.error().code != Errc::not_found) return key;
  Secret fresh(random::hex(kKeyHexChars));
  if (auto s = fs::write_file_atomic(key_path(data_dir), fresh.reveal(), kKeyFileMode); !s) return std::move(s).error();
  return fresh;
}

Secret derive_session_token(const Secret& key, std::string_view access_key_id) {
  std::string bytes;
  for (int block = 0; block < kTokenBlocks; ++block) {
    const std::string input = std::string(access_key_id) + ":" + std::to_string(block);
    const crypto::Digest32 d = crypto::hmac_sha256(key.reveal(), input);
    bytes.append(crypto::as_view(d));
  }
  Secret token(crypto::base64_encode(bytes));
  std::fill(bytes.begin(), bytes.end(), '\0');
  return token;
}

}  // namespace borealis::identity
