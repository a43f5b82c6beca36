// Drives every directory in the store through its stages with a DirectoryProvider:
//   Requested → Creating (realm database + Admin, then the admin password is cleared from the store)
//   → Active (daemons started and accepting); any error on the way → Failed with the reason;
//   Deleting → daemons stopped, realm removed → Deleted (soft-deleted row).
// On server start every Active directory's daemons are started again; poll() (called from the
// server loop, on the thread that started them) restarts crashed ones.
//
// A directory's admin password is read from the store only to create the realm, and never logged.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "directory/provider.h"
#include "store/store.h"

namespace borealis::server {

class DirectoryReconciler {
 public:
  DirectoryReconciler(store::Store& store, directory::DirectoryProvider& provider);

  // One pass over every live directory; errors are recorded on the directory (Failed) or logged and
  // retried on the next pass.
  void reconcile_once();
  // Restarts crashed daemons (the provider's supervisor) and logs which ones exited.
  void poll();
  // Stops the daemons of every directory this reconciler started.
  void shutdown();

  // Active directories whose daemons this reconciler has started (the ones the gateway may use).
  bool running(const std::string& id) const { return started_.count(id) != 0; }

 private:
  Status reconcile(const store::DirectoryRecord& record);
  Status create(const store::DirectoryRecord& record);
  Status fail(const store::DirectoryRecord& record, const std::string& reason);

  store::Store& store_;
  directory::DirectoryProvider& provider_;
  std::set<std::string> started_;
  // An Active directory whose daemons would not start is tried again after a pause, not every pass:
  // each try may wait for the daemons for seconds on the control plane's only thread.
  std::map<std::string, std::chrono::steady_clock::time_point> retry_start_after_;
};

}  // namespace borealis::server
