// Signing-key derivation and its cache (see signing_key_cache.h). Never logs anything: every value
// here is key material or derived from it.
#include "sigv4/signing_key_cache.h"

#include <cstring>

#include "sigv4/canonical.h"
#include "sigv4/encoding.h"

namespace borealis::sigv4 {
namespace {

// Domain-separated so the fingerprint is useless as an HMAC key or as any other hash of the secret.
constexpr std::string_view kFingerprintLabel = "borealis-sigv4-secret-fingerprint\n";

std::string lookup_key(std::string_view access_key_id, const Secret& secret, std::string_view date8,
                       std::string_view region, std::string_view service) {
  std::string labelled;
  labelled.reserve(kFingerprintLabel.size() + secret.size());
  labelled += kFingerprintLabel;
  labelled += secret.reveal();
  const crypto::Digest32 fingerprint = crypto::sha256(labelled);
  Secret wipe_labelled(std::move(labelled));  // the copy of the secret dies wiped
  // Unambiguous: the access key id, date, region and service cannot contain '\0' (the parsers
  // refuse it) and the fingerprint is always 32 bytes.
  return join_with('\0', {access_key_id, crypto::as_view(fingerprint), date8, region, service});
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

crypto::Digest32 SigningKeyCache::get(std::string_view access_key_id, const Secret& secret_access_key,
                                      std::string_view date8, std::string_view region,
                                      std::string_view service) {
  std::string key = lookup_key(access_key_id, secret_access_key, date8, region, service);
  crypto::Digest32 out{};
  {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
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
  if (index_.find(key) != index_.end()) return out;  // another thread raced us to it
  lru_.push_front(Entry{std::move(key), Secret(std::string(crypto::as_view(out)))});
  index_.emplace(lru_.front().lookup_key, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().lookup_key);
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
