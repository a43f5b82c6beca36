// The one place the version string lives.
#pragma once

namespace borealis {
inline constexpr const char* kVersion = "0.1.0";
}
