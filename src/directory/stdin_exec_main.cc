// borealis-stdin-exec FILE PROGRAM [ARGS...]: opens FILE, unlinks it, makes it stdin and execs
// PROGRAM (an absolute path; no PATH search, no shell).
//
// Why it exists: the MIT tools take passwords only as argv (-pw, -P: visible to every local user
// through ps and /proc) or from stdin, and supervise::Process always gives children /dev/null as
// stdin. The control plane writes the password lines to a 0600 file in the realm's 0700 directory,
// runs the tool through this helper under supervise::Process, and the file is gone before the tool
// starts. It must never print, log or copy the file's contents.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3 || argv[2][0] != '/') {
    std::fprintf(stderr, "usage: borealis-stdin-exec FILE /ABSOLUTE/PROGRAM [ARGS...]\n");
    return 2;
  }
  int fd = ::open(argv[1], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "borealis-stdin-exec: open %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  if (::unlink(argv[1]) != 0) {
    std::fprintf(stderr, "borealis-stdin-exec: unlink %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  if (::dup2(fd, STDIN_FILENO) < 0) {  // dup2 clears FD_CLOEXEC on the new descriptor
    std::fprintf(stderr, "borealis-stdin-exec: dup2: %s\n", std::strerror(errno));
    return 2;
  }
  ::close(fd);
  ::execv(argv[2], argv + 2);
  std::fprintf(stderr, "borealis-stdin-exec: exec %s: %s\n", argv[2], std::strerror(errno));
  return 127;
}
