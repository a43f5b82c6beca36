// AWS Directory Service (json 1.1, DirectoryService_20150416.*): CreateMicrosoftAD,
// DescribeDirectories, DeleteDirectory, ResetUserPassword — on the directory code that
// `borealis directory` uses (directory_requests.h). Creating and deleting only write desired state;
// the reconciler brings realms up and down. ResetUserPassword acts at once, as AWS's does.
// A password never reaches an error message or a log line.
#pragma once

#include "api/operation.h"

namespace borealis::directory {
class MitProvider;
}

namespace borealis::server {

struct DsState {
  // Runs kadmin.local for ResetUserPassword. Its own instance, owned by the API thread: it never
  // starts daemons (the reconciler's provider does).
  directory::MitProvider* tools = nullptr;
};

api::ServiceOperations ds_operations(DsState& state);

}  // namespace borealis::server
