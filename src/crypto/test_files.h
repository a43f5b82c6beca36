// Test-only helpers for the crypto tests: a scratch directory and a shell-command runner, so tests
// can hand files to OpenSSL and to the `openssl` CLI. Never linked into borealis_crypto.
#pragma once

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/fs.h"

namespace borealis::crypto::testing {

class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/borealis-crypto-test-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    path_ = dir ? dir : "";
  }
  ~ScratchDir() {
    if (!path_.empty()) (void)fs::remove_tree(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string write(const std::string& name, std::string_view contents) const {
    const std::string p = path_ + "/" + name;
    (void)fs::write_file_atomic(p, contents, 0600);
    return p;
  }

 private:
  std::string path_;
};

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  r.status = ::pclose(pipe);
  return r;
}

struct X509Free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

inline X509Ptr parse_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

inline std::string der(X509* cert) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(cert, &out);
  std::string s(reinterpret_cast<const char*>(out), len > 0 ? static_cast<std::size_t>(len) : 0);
  OPENSSL_free(out);
  return s;
}

}  // namespace borealis::crypto::testing
