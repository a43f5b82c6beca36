#include "common/secret.h"

#include <openssl/crypto.h>

namespace borealis {

void Secret::wipe() noexcept {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}

}  // namespace borealis
