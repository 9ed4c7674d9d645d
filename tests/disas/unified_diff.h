// A line diff in the unified format of `diff -u`, for golden-file mismatches.
#pragma once

#include <string>
#include <string_view>

namespace wisp::disas {

// "--- <expected_name>\n+++ <actual_name>\n@@ -a,b +c,d @@\n..." with `context` unchanged
// lines around each change; empty when the texts are equal.
std::string unifiedDiff(std::string_view expected, std::string_view actual,
                        std::string_view expected_name, std::string_view actual_name,
                        size_t context = 3);

}  // namespace wisp::disas
