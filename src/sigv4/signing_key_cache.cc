// Signing-key derivation and its cache (see signing_key_cache.h). Never logs anything: every value
// here is key material or derived from it.
#include "sigv4/signing_key_cache.h"

#include <cstring>

#include "sigv4/canonical.h"

namespace borealis::sigv4 {
namespace {

// Domain-separated so the fingerprint is useless as an HMAC key or as any other hash of the secret.
// Short, so that label and a 40-character AWS secret fit SHA-256's one-block limit of 55 bytes.
constexpr std::string_view kFingerprintLabel = "borealis-fp\n";

crypto::Digest32 fingerprint(const Secret& secret) {
  // Hashed in place: no copy of the secret is made to put the label in front of it.
  return crypto::sha256_concat({kFingerprintLabel, secret.reveal()});
}

}  // namespace

crypto::Digest32 derive_signing_key(std::string_view secret_access_key, std::string_view date8,
                                    std::string_view region, std::string_view service) {
  std::string k_secret;
  k_secret.reserve(4 + secret_access_key.size());
  k_secret += "AWS4";
  k_secret += secret_access_key;
  const crypto::Digest32 k_date = crypto::hmac_sha256(k_secret, date8);
  Secret wipe_secret(std::move(k_secret));
  const crypto::Digest32 k_region = crypto::hmac_sha256(crypto::as_view(k_date), region);
  const crypto::Digest32 k_service = crypto::hmac_sha256(crypto::as_view(k_region), service);
  return crypto::hmac_sha256(crypto::as_view(k_service), kScopeTerminator);
}

SigningKeyCache::SigningKeyCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::size_t SigningKeyCache::LookupKeyHash::operator()(const LookupKey& key) const noexcept {
  // The fingerprint is already a uniform hash of the secret: eight of its bytes seed the hash, and
  // the short text parts are mixed in (FNV-style) rather than joined into a string first.
  std::size_t h = 0;
  std::memcpy(&h, key.secret_fingerprint.data(), sizeof h);
  const std::hash<std::string_view> hash;
  for (std::string_view part : {key.access_key_id, key.date8, key.region, key.service}) {
    h = (h ^ hash(part)) * 0x100000001b3ULL;
  }
  return h;
}

crypto::Digest32 SigningKeyCache::get(std::string_view access_key_id, const Secret& secret_access_key,
                                      std::string_view date8, std::string_view region,
                                      std::string_view service) {
  const LookupKey probe{access_key_id, fingerprint(secret_access_key), date8, region, service};
  crypto::Digest32 out{};
  {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(probe); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      std::memcpy(out.data(), it->second->signing_key.reveal().data(), out.size());
      return out;
    }
    ++misses_;
  }
  // Derive outside the lock: four HMACs should not serialise other threads' warm lookups.
  out = derive_signing_key(secret_access_key.reveal(), date8, region, service);
  std::lock_guard lock(mu_);
  if (index_.find(probe) != index_.end()) return out;  // another thread raced us to it
  lru_.push_front(Entry{std::string(access_key_id), probe.secret_fingerprint, std::string(date8), std::string(region),
                        std::string(service), Secret(std::string(crypto::as_view(out)))});
  index_.emplace(lru_.front().key(), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key());
    lru_.pop_back();
  }
  return out;
}

SigningKeyCache::Stats SigningKeyCache::stats() const {
  std::lock_guard lock(mu_);
  return Stats{hits_, misses_, lru_.size()};
}

void SigningKeyCache::clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  lru_.clear();
}

}  // namespace borealis::sigv4
