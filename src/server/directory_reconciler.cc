// Directory stages (see directory_reconciler.h).
#include "server/directory_reconciler.h"

#include <chrono>

#include "common/log.h"
#include "server/directory_requests.h"

namespace borealis::server {
namespace {

using directory::DirectoryStage;

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kRestartTimeout = std::chrono::seconds(10);
constexpr auto kRestartPause = std::chrono::seconds(30);
constexpr std::string_view kComponent = "server";

std::string stage(DirectoryStage s) { return std::string(directory::to_string(s)); }

}  // namespace

DirectoryReconciler::DirectoryReconciler(store::Store& store, directory::DirectoryProvider& provider)
    : store_(store), provider_(provider) {}

void DirectoryReconciler::reconcile_once() {
  auto list = store_.list_directories();
  if (!list.ok()) {
    log::error(kComponent, "cannot read directories: {}", list.error().message);
    return;
  }
  for (const auto& record : *list) {
    if (auto s = reconcile(record); !s)
      log::error(kComponent, "directory {}: {} (will retry)", record.id, s.error().message);
  }
}

Status DirectoryReconciler::fail(const store::DirectoryRecord& r, const std::string& reason) {
  log::error(kComponent, "directory {} failed: {}", r.id, reason);
  // Failed is final (delete and create again), so the admin password has no further use.
  if (auto s = store_.clear_directory_admin_password(r.id); !s) return s;
  return store_.update_directory_stage(r.id, stage(DirectoryStage::failed), reason);
}

Status DirectoryReconciler::create(const store::DirectoryRecord& r) {
  auto d = to_directory(r);
  if (!d.ok()) return std::move(d).error();
  auto password = store_.directory_admin_password(r.id);
  if (!password.ok()) return std::move(password).error();
  if (*password) {
    auto created = provider_.create(*d, **password);
    // already_exists: a previous pass created the realm and died before recording it.
    if (!created && created.error().code != Errc::already_exists)
      return fail(r, "creating the realm failed: " + created.error().message);
    if (auto s = store_.clear_directory_admin_password(r.id); !s) return s;
  } else {
    // No password and maybe no realm: a pass cleared it after create, or the row was written without
    // one. start() below tells which (not_found when there is no realm database).
  }
  auto started = provider_.start(*d, kStartTimeout);
  if (!started) {
    if (started.error().code == Errc::not_found)
      return fail(r, "the realm database is missing and the admin password is no longer kept; delete the directory "
                     "and create it again");
    (void)provider_.stop(*d);
    return fail(r, "the directory's KDC did not start: " + started.error().message);
  }
  started_.insert(r.id);
  if (auto s = store_.update_directory_stage(r.id, stage(DirectoryStage::active), ""); !s) return s;
  log::info(kComponent, "directory {} ({}) is Active: KDC {}:{}", r.id, r.realm, r.kdc_address, r.kdc_port);
  return ok_status();
}

Status DirectoryReconciler::reconcile(const store::DirectoryRecord& r) {
  auto st = directory::stage_from_string(r.stage);
  if (!st) return make_error(Errc::internal, "unknown stage '" + r.stage + "'");
  switch (*st) {
    case DirectoryStage::requested:
      if (auto s = store_.update_directory_stage(r.id, stage(DirectoryStage::creating), ""); !s) return s;
      return create(r);
    case DirectoryStage::creating:
      return create(r);
    case DirectoryStage::active: {
      if (started_.count(r.id) != 0) return ok_status();
      // After a server restart (or a failed start): bring the daemons back. The stage stays Active; a
      // person sees the reason in StageReason until a start succeeds.
      const auto now = std::chrono::steady_clock::now();
      if (auto it = retry_start_after_.find(r.id); it != retry_start_after_.end() && now < it->second)
        return ok_status();
      auto d = to_directory(r);
      if (!d.ok()) return std::move(d).error();
      auto started = provider_.start(*d, kRestartTimeout);
      if (!started) {
        (void)provider_.stop(*d);
        retry_start_after_[r.id] = std::chrono::steady_clock::now() + kRestartPause;
        const std::string reason = "the directory's KDC is not running: " + started.error().message;
        if (r.stage_reason != reason) (void)store_.update_directory_stage(r.id, r.stage, reason);
        return started;
      }
      retry_start_after_.erase(r.id);
      started_.insert(r.id);
      if (!r.stage_reason.empty()) (void)store_.update_directory_stage(r.id, r.stage, "");
      log::info(kComponent, "directory {} ({}) started: KDC {}:{}", r.id, r.realm, r.kdc_address, r.kdc_port);
      return ok_status();
    }
    case DirectoryStage::deleting: {
      auto d = to_directory(r);
      if (!d.ok()) return std::move(d).error();
      if (auto s = provider_.destroy(*d); !s) return s;
      started_.erase(r.id);
      retry_start_after_.erase(r.id);
      if (auto s = store_.delete_directory(r.id); !s) return s;
      log::info(kComponent, "directory {} deleted", r.id);
      return ok_status();
    }
    case DirectoryStage::failed:
    case DirectoryStage::deleted:
      return ok_status();
  }
  return ok_status();
}

void DirectoryReconciler::poll() {
  for (const std::string& name : provider_.poll()) log::warn(kComponent, "directory daemon {} exited; restarting", name);
}

void DirectoryReconciler::shutdown() {
  auto list = store_.list_directories();
  if (!list.ok()) return;
  for (const auto& r : *list) {
    if (started_.count(r.id) == 0) continue;
    auto d = to_directory(r);
    if (!d.ok()) continue;
    if (auto s = provider_.stop(*d); !s) log::warn(kComponent, "stopping directory {}: {}", r.id, s.error().message);
  }
  started_.clear();
}

}  // namespace borealis::server
