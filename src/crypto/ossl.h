// Internal to crypto/: the deleter that makes std::unique_ptr own an OpenSSL object, and the
// error-queue reader every file of this component uses. Not part of the public headers, which stay
// free of OpenSSL includes.
#pragma once

#include <openssl/err.h>

#include <string>

namespace borealis::crypto::ossl {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept { Free(p); }
};

// Drains OpenSSL's thread-local error queue into one line, so a stale error can never be attributed
// to the next, unrelated call.
inline std::string drain_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error reported" : out;
}

}  // namespace borealis::crypto::ossl
