#include "common/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <string>

namespace borealis::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::string g_tag = "borealis";

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

void set_level(Level l) noexcept { g_level.store(static_cast<int>(l)); }
Level level() noexcept { return static_cast<Level>(g_level.load()); }
bool enabled(Level l) noexcept { return static_cast<int>(l) >= g_level.load(std::memory_order_relaxed); }
void set_process_tag(std::string_view tag) { g_tag.assign(tag); }

void write(Level l, std::string_view component, std::string_view message) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  gmtime_r(&tv.tv_sec, &t);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(tv.tv_usec / 1000));
  // Quotes and newlines inside the message are escaped so one event is always one line.
  std::string escaped;
  escaped.reserve(message.size());
  for (char c : message) {
    if (c == '"' || c == '\\') { escaped.push_back('\\'); escaped.push_back(c); }
    else if (c == '\n') escaped += "\\n";
    else escaped.push_back(c);
  }
  std::string line = fmt::format("ts={} level={} proc={} pid={} comp={} msg=\"{}\"\n", ts, level_name(l), g_tag,
                                 static_cast<long>(getpid()), component, escaped);
  // One write(2) per line keeps lines whole when several threads or processes share stderr.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace borealis::log
