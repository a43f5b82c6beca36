// Internal to the store: the schema as an ordered list of migrations. Migration N (1-based) brings
// the schema from version N-1 to N. Never edit or reorder a released migration — append a new one;
// a database written by a newer borealis (higher version than we know) is refused, not guessed at.
#pragma once

#include <span>
#include <string_view>

#include "common/result.h"

struct sqlite3;

namespace borealis::store {

std::span<const std::string_view> migrations();

// Applies every missing migration, each in its own transaction together with its schema_version row,
// so a crash leaves the schema at a whole version. Idempotent: a current database is untouched.
// Returns the resulting version.
Result<int> apply_migrations(sqlite3* db);

}  // namespace borealis::store
