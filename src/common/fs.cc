#include "common/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/fd.h"

namespace borealis::fs {
namespace {
Error errno_error(std::string_view what, const std::string& path) {
  return make_error(Errc::io_error, std::string(what) + " " + path + ": " + std::strerror(errno));
}
}  // namespace

Status ensure_dir(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return make_error(Errc::io_error, "mkdir " + path + ": " + ec.message());
  if (::chmod(path.c_str(), mode) != 0) return errno_error("chmod", path);
  return ok_status();
}

Status write_file_atomic(const std::string& path, std::string_view contents, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return errno_error("create", tmp);
  if (::fchmod(fd.get(), mode) != 0) return errno_error("chmod", tmp);  // umask may have narrowed it
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd.get(), p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = errno_error("write", tmp);
      ::unlink(tmp.c_str());
      return e;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return errno_error("fsync", tmp);
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = errno_error("rename", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  return ok_status();
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("open", path);
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("read", path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes)
      return make_error(Errc::too_large, path + " is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status chown_path(const std::string& path, uid_t uid, gid_t gid) {
  if (::lchown(path.c_str(), uid, gid) != 0) return errno_error("chown", path);
  return ok_status();
}

Status chown_tree(const std::string& path, uid_t uid, gid_t gid) {
  if (auto s = chown_path(path, uid, gid); !s) return s;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (auto s = chown_path(it->path().string(), uid, gid); !s) return s;
  }
  if (ec) return make_error(Errc::io_error, "walk " + path + ": " + ec.message());
  return ok_status();
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return make_error(Errc::io_error, "remove " + path + ": " + ec.message());
  return ok_status();
}

}  // namespace borealis::fs
