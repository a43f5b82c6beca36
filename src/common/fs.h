// Small filesystem helpers for the data dir. Secret files are written 0600 from the first byte
// (created with that mode, then renamed into place), never chmod'ed after the fact.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::fs {

// Creates `path` and its parents; the last component gets `mode` (an existing one is chmod'ed to it).
Status ensure_dir(const std::string& path, mode_t mode);
// Writes `contents` to a temp file with `mode` beside `path`, fsyncs and renames it over `path`.
Status write_file_atomic(const std::string& path, std::string_view contents, mode_t mode);
Result<std::string> read_file(const std::string& path, std::size_t max_bytes = 16 * 1024 * 1024);
bool exists(const std::string& path);
// chown -R to uid:gid (used when borealis runs as root and hands a tree to its service user).
Status chown_tree(const std::string& path, uid_t uid, gid_t gid);
Status chown_path(const std::string& path, uid_t uid, gid_t gid);
Status remove_tree(const std::string& path);

}  // namespace borealis::fs
