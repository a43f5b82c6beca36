// FUZZ_CHECK for libFuzzer targets: an invariant the code under test must keep for ANY input. A
// violation aborts, so libFuzzer saves the input as a crash artifact. Fuzzers only; never in
// library code (errors there are values).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
