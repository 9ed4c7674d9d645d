#include "unified_diff.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace wisp::disas {
namespace {

// "line FROM\n" ... "line TO\n", with `replaced` lines (by number) given other text.
std::string numberedLines(int from, int to, std::map<int, std::string> replaced = {}) {
  std::string text;
  for (int i = from; i <= to; ++i) {
    auto it = replaced.find(i);
    text += it != replaced.end() ? it->second : "line " + std::to_string(i);
    text += '\n';
  }
  return text;
}

TEST(UnifiedDiff, EqualTextsGiveNoDiff) {
  EXPECT_EQ(unifiedDiff("a\nb\n", "a\nb\n", "old", "new"), "");
}

TEST(UnifiedDiff, OneChangedLineWithContext) {
  const std::string before = numberedLines(1, 10);
  const std::string after = numberedLines(1, 10, {{5, "LINE 5"}});
  EXPECT_EQ(unifiedDiff(before, after, "golden", "generated"),
            "--- golden\n"
            "+++ generated\n"
            "@@ -2,7 +2,7 @@\n"
            " line 2\n line 3\n line 4\n"
            "-line 5\n"
            "+LINE 5\n"
            " line 6\n line 7\n line 8\n");
}

TEST(UnifiedDiff, DistantChangesMakeTwoHunks) {
  const std::string before = numberedLines(1, 20);
  const std::string after = "line 0\n" + numberedLines(1, 19);  // one line in, one out
  EXPECT_EQ(unifiedDiff(before, after, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -1,3 +1,4 @@\n+line 0\n line 1\n line 2\n line 3\n"
            "@@ -17,4 +18,3 @@\n line 17\n line 18\n line 19\n-line 20\n");
}

TEST(UnifiedDiff, NearbyChangesShareAHunk) {
  // Three unchanged lines between the changes: less than twice the context.
  const std::string before = numberedLines(1, 10);
  const std::string after = numberedLines(1, 10, {{3, "x"}, {7, "y"}});
  const std::string diff = unifiedDiff(before, after, "a", "b");
  EXPECT_EQ(diff,
            "--- a\n+++ b\n@@ -1,10 +1,10 @@\n line 1\n line 2\n-line 3\n+x\n line 4\n"
            " line 5\n line 6\n-line 7\n+y\n line 8\n line 9\n line 10\n");
}

TEST(UnifiedDiff, FromAndToEmpty) {
  EXPECT_EQ(unifiedDiff("", "a\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+a\n");
  EXPECT_EQ(unifiedDiff("a\n", "", "a", "b"), "--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n");
}

}  // namespace
}  // namespace wisp::disas
