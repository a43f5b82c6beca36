// Test-only: a throwaway MIT realm (TEST.BOREALIS) in a temp dir, with krb5kdc on 127.0.0.1:<free
// port> as a child of the test process (stopped by PID, and by PR_SET_PDEATHSIG if the test
// dies), a keytab for the service principal and a ccache for alice, and KdcSuite, a GoogleTest
// fixture base that owns one per suite. Mirrors tests/kdc.py.
// start() sets KRB5_CONFIG / KRB5_KDC_PROFILE and decoy KRB5CCNAME / KRB5_KTNAME for this test
// process only (the code under test is handed explicit keytab / ccache / rcache paths). Never
// linked into a production binary; never logs passwords or keys (they stay in the temp dir).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace borealis::krb::testkdc {

inline constexpr const char* kRealm = "TEST.BOREALIS";
inline constexpr const char* kService = "postgres/db.test.borealis";
// In the KDC but not in the keytab: tickets for it cannot be accepted.
inline constexpr const char* kOtherService = "postgres/other.test.borealis";
// What a client names (libpq: krbsrvname@host) to reach kService.
inline constexpr const char* kHostbasedService = "postgres@db.test.borealis";

// Empty when krb5kdc, kdb5_util and kinit are installed, else why the KDC tests must skip.
std::string kdc_tools_missing();

class Kdc {
 public:
  Kdc() = default;
  ~Kdc() { stop(); }
  Kdc(const Kdc&) = delete;
  Kdc& operator=(const Kdc&) = delete;

  // Returns an empty string on success, else what went wrong (with the KDC log tail).
  std::string start();
  // Stops the KDC (SIGTERM, then SIGKILL) and removes the temp dir unless BOREALIS_KEEP_KDC_DIR
  // is set. Idempotent.
  void stop();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path keytab() const { return dir_ / "server.keytab"; }
  std::filesystem::path alice_ccache() const { return dir_ / "alice.ccache"; }
  std::string log() const;

 private:
  void write_config();
  std::string kadmin(const std::string& query);
  std::string run(const std::vector<std::string>& argv, const std::string& input = "");
  std::string wait_listening();

  std::filesystem::path dir_;
  int port_ = -1;
  pid_t pid_ = -1;
  std::string alice_password_;
};

// GoogleTest fixture base: one KDC for the whole suite (started once, retried because another
// process may take the probed port between our probe and krb5kdc's bind), stopped after it. A
// derived SetUp() must call KdcSuite::SetUp() first and return if IsSkipped() or HasFatalFailure().
class KdcSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;  // skips without the MIT tools, fails if the KDC did not start

  static Kdc& kdc() { return *kdc_; }
  // A replay cache private to the calling test.
  static std::string rcache_path();

 private:
  static inline Kdc* kdc_ = nullptr;
  static inline std::string* start_error_ = nullptr;
  static inline std::string* skip_reason_ = nullptr;
};

}  // namespace borealis::krb::testkdc
