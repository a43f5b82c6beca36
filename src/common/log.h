// Structured, leveled logging: one line per event, `ts=… level=… comp=… msg="…" key=value …`.
// Lines go to stderr (the supervisor captures children's stderr into the data dir's log files).
// Never pass a secret: borealis::Secret has no formatter, so trying is a compile error.
#pragma once

#include <fmt/core.h>

#include <string_view>

namespace borealis::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level) noexcept;
Level level() noexcept;
bool enabled(Level level) noexcept;
// The process-wide component tag (e.g. "server", "gateway"), set once at start-up.
void set_process_tag(std::string_view tag);
void write(Level level, std::string_view component, std::string_view message);

template <class... Args>
void emit(Level lvl, std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (!enabled(lvl)) return;
  write(lvl, component, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void debug(std::string_view c, fmt::format_string<Args...> f, Args&&... a) { emit(Level::debug, c, f, std::forward<Args>(a)...); }
template <class... Args>
void info(std::string_view c, fmt::format_string<Args...> f, Args&&... a) { emit(Level::info, c, f, std::forward<Args>(a)...); }
template <class... Args>
void warn(std::string_view c, fmt::format_string<Args...> f, Args&&... a) { emit(Level::warn, c, f, std::forward<Args>(a)...); }
template <class... Args>
void error(std::string_view c, fmt::format_string<Args...> f, Args&&... a) { emit(Level::error, c, f, std::forward<Args>(a)...); }

}  // namespace borealis::log
