// Maps --log-level text to the logger's level (unknown text keeps "info" and says so).
#pragma once

#include <string_view>

#include "common/log.h"

namespace borealis::cli {

inline void apply_log_level(std::string_view level) {
  if (level == "debug") log::set_level(log::Level::debug);
  else if (level == "warn") log::set_level(log::Level::warn);
  else if (level == "error") log::set_level(log::Level::error);
  else {
    log::set_level(log::Level::info);
    if (level != "info") log::warn("cli", "unknown log level '{}', using info", level);
  }
}

}  // namespace borealis::cli
