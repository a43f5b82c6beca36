// The AWS-compatible API inside `borealis server`: one HTTP thread on a loopback port with its own
// connection to the store, serving rds, iam, sts, ec2 (query protocol) and ds (json 1.1) through
// api::Router. Calls only write desired state and wake the control-plane thread, which does the work;
// so a slow directory or instance never delays an API answer.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "supervise/service_user.h"

namespace borealis::server {

// The documented default: close to LocalStack's 4566 without colliding with it.
inline constexpr int kDefaultApiPort = 4600;

struct ApiServiceOptions {
  std::string host = "127.0.0.1";  // loopback only (the HTTP server refuses anything else)
  int port = kDefaultApiPort;      // 0: an ephemeral port (tests); the log line names it
  std::string default_region = "us-east-1";
  std::vector<std::string> regions{"us-east-1"};
  std::vector<std::string> sts_inactive_regions;
  std::string data_dir;
  std::string store_path;
  std::string stdin_exec;  // for Directory Service's ResetUserPassword (kadmin.local)
  supervise::ServiceUser user;
  // Tells the control-plane thread that desired state changed.
  std::function<void()> wake_reconciler;
};

class ApiService {
 public:
  // Opens the store, makes sure the account (id, root credentials file) and the default networks
  // exist, binds the port and starts the thread. Fails (nothing left running) if any step does.
  static Result<std::unique_ptr<ApiService>> start(ApiServiceOptions options);
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  int port() const;
  std::string endpoint_url() const;
  const std::string& account_id() const;
  const std::string& credentials_file() const;
  const std::string& config_file() const;
  void stop();

  struct Impl;

 private:
  explicit ApiService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::server
