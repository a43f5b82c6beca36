// SigV4 signing keys: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service),
// "aws4_request"), and a bounded, thread-safe LRU cache of them so a warm verification costs one
// HMAC instead of five.
// The cache never holds a secret key: an entry is found by (access key id, SHA-256 fingerprint of the
// secret, date, region, service) and holds only the derived key, as a Secret (wiped on eviction,
// not printable). A rotated secret gets a new fingerprint, so a stale key can never be found for it.
// A hit allocates nothing: the probe is a set of views, and the secret is hashed in place.
#pragma once

#include <array>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/secret.h"
#include "crypto/hash.h"

namespace borealis::sigv4 {

crypto::Digest32 derive_signing_key(std::string_view secret_access_key, std::string_view date8,
                                    std::string_view region, std::string_view service);

class SigningKeyCache {
 public:
  // A key is good for one day, region and service; 4096 entries cover thousands of live access keys
  // logging in to a handful of regions and services, at ~200 bytes each (under 1 MiB).
  static constexpr std::size_t kDefaultCapacity = 4096;

  explicit SigningKeyCache(std::size_t capacity = kDefaultCapacity);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key, derived on a miss. Safe to call from several threads.
  crypto::Digest32 get(std::string_view access_key_id, const Secret& secret_access_key,
                       std::string_view date8, std::string_view region, std::string_view service);

  struct Stats {
    std::size_t hits = 0;
    std::size_t misses = 0;
    std::size_t size = 0;
  };
  Stats stats() const;
  void clear();

 private:
  // What an entry is found by. In index_ its views point into the entry's own strings; a probe's
  // point into the caller's arguments.
  struct LookupKey {
    std::string_view access_key_id;
    crypto::Digest32 secret_fingerprint{};
    std::string_view date8;
    std::string_view region;
    std::string_view service;
    bool operator==(const LookupKey&) const = default;
  };
  struct LookupKeyHash {
    std::size_t operator()(const LookupKey& key) const noexcept;
  };
  struct Entry {
    std::string access_key_id;
    crypto::Digest32 secret_fingerprint{};
    std::string date8;
    std::string region;
    std::string service;
    Secret signing_key;
    LookupKey key() const { return {access_key_id, secret_fingerprint, date8, region, service}; }
  };
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<LookupKey, std::list<Entry>::iterator, LookupKeyHash> index_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace borealis::sigv4
