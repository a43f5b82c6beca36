#include "common/fs.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>

namespace borealis {
namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/borealis-fs-test-XXXXXX";
  const char* d = mkdtemp(tmpl);
  return d ? d : "";
}

TEST(Fs, SecretFilesAreWritten0600) {
  std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  std::string path = dir + "/secret";
  ASSERT_TRUE(fs::write_file_atomic(path, "s3cr3t", 0600).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = fs::read_file(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "s3cr3t");
  ASSERT_TRUE(fs::write_file_atomic(path, "second", 0600).ok());
  EXPECT_EQ(*fs::read_file(path), "second");
  EXPECT_TRUE(fs::remove_tree(dir).ok());
}

TEST(Fs, ReadFileRespectsCap) {
  std::string dir = temp_dir();
  std::string path = dir + "/big";
  ASSERT_TRUE(fs::write_file_atomic(path, std::string(100, 'x'), 0644).ok());
  auto r = fs::read_file(path, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_FALSE(fs::read_file(dir + "/missing").ok());
  EXPECT_TRUE(fs::remove_tree(dir).ok());
}

TEST(Fs, EnsureDirSetsMode) {
  std::string dir = temp_dir();
  std::string sub = dir + "/a/b";
  ASSERT_TRUE(fs::ensure_dir(sub, 0700).ok());
  struct stat st {};
  ASSERT_EQ(::stat(sub.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(fs::remove_tree(dir).ok());
}

}  // namespace
}  // namespace borealis
