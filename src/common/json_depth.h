// How deeply a JSON text nests objects and arrays, counted on the raw text before any parser sees
// it: brackets inside strings (escapes included) do not count. Used to refuse documents nested deeper
// than a cap before nlohmann::json recurses into them (API request bodies, IAM policy documents).
// Pure; does not check that the text is valid JSON.
#pragma once

#include <string_view>

namespace borealis {

// The deepest nesting seen; stops scanning once it exceeds `limit` (then returns limit + 1).
inline int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return deepest;
}

}  // namespace borealis
