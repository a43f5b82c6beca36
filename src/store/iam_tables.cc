#include "store/iam_tables.h"

#include "store/schema_parts.h"
#include "store/store_impl.h"

namespace borealis::store {

// Placeholder until the tables land (a migration must not be empty).
const std::string_view kIamSchemaV5 = "SELECT 1;";

}  // namespace borealis::store
