#include "gateway/kerberos.h"

#include <map>
#include <mutex>

#include "common/log.h"
#include "gateway/reactor.h"
#include "gateway/worker_pool.h"
#include "krb/credentials.h"

namespace borealis::gateway {
namespace {

struct Job {
  KerberosConfig config;
  std::unique_ptr<krb::Acceptor> acceptor;
  std::string token;
  KerberosService::Done done;
};

std::string cred_key(const KerberosConfig& c) {
  return c.keytab + '\0' + c.service_principal + '\0' + c.replay_cache;
}

}  // namespace

struct KerberosService::Impl {
  Impl(Reactor& r, int threads) : reactor(r), workers(threads) {}

  // Worker thread. Acquisition runs without the lock (it reads the keytab); two workers may both
  // acquire the same credentials at first use, and the first one stored is kept.
  Result<krb::SharedCred> credentials(const KerberosConfig& c) {
    const std::string key = cred_key(c);
    {
      std::lock_guard lock(mu);
      if (auto it = creds.find(key); it != creds.end()) return it->second;
    }
    auto cred = krb::acquire_acceptor_credentials(c.keytab, c.service_principal, c.replay_cache);
    if (!cred.ok()) return std::move(cred).error();
    std::lock_guard lock(mu);
    return creds.emplace(key, *cred).first->second;
  }

  void execute(Job& job) {
    krb::Step step;
    if (!job.acceptor) {
      auto cred = credentials(job.config);
      if (!cred.ok()) {
        step.outcome = krb::Step::Outcome::failed;
        step.log_reason = "cannot use the endpoint's keytab: " + cred.error().message;
        step.client_reason = "the server's Kerberos credentials are not available";
        return finish(job, std::move(step));
      }
      job.acceptor = std::make_unique<krb::Acceptor>(std::move(cred).value());
    }
    step = job.acceptor->step(job.token);
    finish(job, std::move(step));
  }

  void finish(Job& job, krb::Step step) {
    auto result = std::make_shared<std::pair<std::unique_ptr<krb::Acceptor>, krb::Step>>(std::move(job.acceptor),
                                                                                            std::move(step));
    reactor.post([done = std::move(job.done), result]() mutable { done(std::move(result->first), std::move(result->second)); });
  }

  Reactor& reactor;
  std::mutex mu;  // guards creds
  std::map<std::string, krb::SharedCred> creds;
  WorkerPool workers;  // declared last: its threads stop before the members they use go away
};

KerberosService::KerberosService(Reactor& reactor, int threads) : impl_(std::make_unique<Impl>(reactor, threads)) {}
KerberosService::~KerberosService() = default;

void KerberosService::step(const KerberosConfig& config, std::unique_ptr<krb::Acceptor> acceptor, std::string token,
                           Done done) {
  Impl* impl = impl_.get();
  // std::function needs a copyable callable: the move-only job travels in a shared_ptr.
  auto job = std::make_shared<Job>(Job{config, std::move(acceptor), std::move(token), std::move(done)});
  impl->workers.submit([impl, job] { impl->execute(*job); });
}

void KerberosService::forget_credentials() {
  std::lock_guard lock(impl_->mu);
  impl_->creds.clear();
}

}  // namespace borealis::gateway
