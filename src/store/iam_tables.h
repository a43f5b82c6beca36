// IAM users, access keys, roles, policies and STS sessions, kept in the control plane's store (same connection and transactions as store.h).
#pragma once

#include "common/result.h"
#include "store/store.h"

namespace borealis::store {

class IamTables {
 public:
  explicit IamTables(Store& store) : store_(store) {}

 private:
  Store& store_;
};

}  // namespace borealis::store
