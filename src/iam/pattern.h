// Wildcard patterns of policies: `*` (any run, also across ':' and '/') and `?` (one character), in
// Action (case-insensitive), Resource, StringLike and ArnLike (case-sensitive) — and policy variables
// (${aws:username}) substituted into them. Substituted text is always literal: a user named "*" must
// not turn "arn:...:user/${aws:username}" into a wildcard.
// Pure; matching is iterative (no recursion) and O(pattern x text) at worst, both bounded by the
// parser's string cap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/context.h"

namespace borealis::iam {

struct Pattern {
  std::string chars;
  std::vector<std::uint8_t> wild;  // 1 where chars[i] is a live '*' or '?', 0 for a literal character
};

// A pattern from policy text with no variables (2008-10-17 documents, actions).
Pattern literal_pattern(std::string_view written);

// Substitutes ${key} (one value from `keys`; any context key works: aws:username, aws:userid,
// aws:PrincipalTag/team, aws:SourceIp, ...), ${key, 'default'} ('' inside the quotes is one quote),
// and the escapes ${*} ${?} ${$}. One pass only: substituted text is never expanded again.
// nullopt when a variable's key is absent (or multi-valued) and has no default, or the variable is
// malformed ("${" never closed, a badly quoted default): AWS then treats the element as not matching.
std::optional<Pattern> expand_variables(std::string_view written, const ContextKeys& keys);

// Plain string substitution for operators that do not take wildcards (StringEquals, ArnEquals...).
std::optional<std::string> substitute_variables(std::string_view written, const ContextKeys& keys);

// ASCII case folding only: AWS compares action names, service principals and IgnoreCase values so.
bool ascii_equals_ignore_case(std::string_view a, std::string_view b) noexcept;

bool glob_match(const Pattern& pattern, std::string_view text, bool ignore_case) noexcept;

// ArnLike/ArnEquals: both sides split into six colon-separated parts, each matched on its own
// (wildcards do not cross the first five colons, unlike in Resource).
bool arn_match(const Pattern& pattern, std::string_view arn) noexcept;

}  // namespace borealis::iam
