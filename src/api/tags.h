// AWS's rules for resource tags, shared by the services that keep them (rds, ec2): at most 50 tags
// per resource, keys of 1-128 and values of 0-256 characters (UTF-8 characters, not bytes), no key
// under a reserved prefix (aws: everywhere, rds: too for RDS). RDS also limits the characters to
// letters, digits, white space and _.:/=+-@; EC2 allows any. Pure: a problem comes back as the
// message of an InvalidParameterValue, the code both services answer with.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace borealis::api {

inline constexpr std::size_t kMaxTagsPerResource = 50;
inline constexpr std::size_t kMaxTagKeyChars = 128;
inline constexpr std::size_t kMaxTagValueChars = 256;

// Why `key`/`value` cannot be a tag, or nullopt when they can. `reserved_prefixes` are compared
// case-insensitively; `restricted_charset` is RDS's [\p{L}\p{Z}\p{N}_.:/=+\-@].
std::optional<std::string> tag_problem(std::string_view key, std::string_view value,
                                       std::initializer_list<std::string_view> reserved_prefixes, bool restricted_charset);

}  // namespace borealis::api
