// RDS API state: cluster fields set through the API, DB subnet groups, DB cluster parameter groups, kept in the control plane's store (same connection and transactions as store.h).
#pragma once

#include "common/result.h"
#include "store/store.h"

namespace borealis::store {

class RdsTables {
 public:
  explicit RdsTables(Store& store) : store_(store) {}

 private:
  Store& store_;
};

}  // namespace borealis::store
