#include "identity/ids.h"

#include <ctime>

#include "common/random.h"
#include "crypto/hash.h"

namespace borealis::identity {
namespace {
constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kIdRandomChars = 16;
constexpr std::size_t kSecretChars = 40;
}  // namespace

std::string new_id(std::string_view prefix) {
  return std::string(prefix) + random::from_alphabet(kIdRandomChars, kUpperAlnum);
}

Secret new_secret_access_key() { return Secret(random::from_alphabet(kSecretChars, kSecretAlphabet)); }

std::string session_token_hash(std::string_view token) {
  return crypto::hex_encode(crypto::as_view(crypto::sha256(token)));
}

std::string iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iam_arn(std::string_view account_id, std::string_view kind, std::string_view path, std::string_view name) {
  std::string arn = "arn:aws:iam::";
  arn.append(account_id).append(":").append(kind).append(path).append(name);
  return arn;
}

std::string root_arn(std::string_view account_id) {
  return "arn:aws:iam::" + std::string(account_id) + ":root";
}

std::string assumed_role_arn(std::string_view account_id, std::string_view role_name, std::string_view session_name) {
  std::string arn = "arn:aws:sts::";
  arn.append(account_id).append(":assumed-role/").append(role_name).append("/").append(session_name);
  return arn;
}

}  // namespace borealis::identity
