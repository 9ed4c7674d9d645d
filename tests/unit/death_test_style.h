// Death tests of signal handling run "threadsafe" (the child re-runs the test binary, so it
// starts with no other threads and a fresh handler state), unless GTEST_DEATH_TEST_STYLE says
// otherwise: a binary under qemu-user cannot re-run itself (the host kernel cannot execute it),
// so emulated runs ask for "fast" (a fork of the test) instead.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>

namespace wisp::test {

inline void useThreadsafeDeathTests() {
  if (std::getenv("GTEST_DEATH_TEST_STYLE") == nullptr)
    GTEST_FLAG_SET(death_test_style, "threadsafe");
}

}  // namespace wisp::test
