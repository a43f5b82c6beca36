#include "common/random.h"

#include <gtest/gtest.h>

#include <set>

namespace borealis {
namespace {

TEST(Random, HexHasLengthAndAlphabet) {
  std::string h = random::hex(26);
  EXPECT_EQ(h.size(), 26u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(Random, ValuesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random::hex(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Random, AlphabetIsRespected) {
  std::string s = random::from_alphabet(200, "AB");
  EXPECT_EQ(s.find_first_not_of("AB"), std::string::npos);
  EXPECT_NE(s.find('A'), std::string::npos);
  EXPECT_NE(s.find('B'), std::string::npos);
}

}  // namespace
}  // namespace borealis
