#include "unified_diff.h"

#include <algorithm>
#include <vector>

namespace wisp::disas {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

enum class Op : char { Same = ' ', Delete = '-', Insert = '+' };

struct Edit {
  Op op;
  size_t a;  // line index in the expected text (Same, Delete)
  size_t b;  // line index in the actual text (Same, Insert)
};

// A shortest edit script from a longest common subsequence table. Golden files have a few
// hundred lines, so the quadratic table is small.
std::vector<Edit> editScript(const std::vector<std::string_view>& a,
                             const std::vector<std::string_view>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({Op::Same, i++, j++});
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      edits.push_back({Op::Delete, i++, j});  // deletions first, as diff -u lists them
    } else {
      edits.push_back({Op::Insert, i, j++});
    }
  }
  return edits;
}

std::string range(size_t start, size_t count) {
  // diff -u numbers lines from 1; an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unifiedDiff(std::string_view expected, std::string_view actual,
                        std::string_view expected_name, std::string_view actual_name,
                        size_t context) {
  const std::vector<std::string_view> a = splitLines(expected), b = splitLines(actual);
  const std::vector<Edit> edits = editScript(a, b);
  std::string out;
  size_t k = 0;
  while (k < edits.size()) {
    // The next change, and the hunk around it: changes closer than 2 * context merge.
    while (k < edits.size() && edits[k].op == Op::Same) ++k;
    if (k == edits.size()) break;
    const size_t begin = k > context ? k - context : 0;
    size_t last_change = k;
    for (size_t e = k + 1; e < edits.size() && e - last_change <= 2 * context; ++e)
      if (edits[e].op != Op::Same) last_change = e;
    const size_t end = std::min(edits.size(), last_change + 1 + context);
    size_t a_count = 0, b_count = 0;
    for (size_t e = begin; e < end; ++e) {
      if (edits[e].op != Op::Insert) ++a_count;
      if (edits[e].op != Op::Delete) ++b_count;
    }
    if (out.empty()) {
      out += "--- " + std::string(expected_name) + "\n";
      out += "+++ " + std::string(actual_name) + "\n";
    }
    out += "@@ -" + range(edits[begin].a, a_count) + " +" + range(edits[begin].b, b_count) + " @@\n";
    for (size_t e = begin; e < end; ++e) {
      const Edit& edit = edits[e];
      out += static_cast<char>(edit.op);
      out += edit.op == Op::Insert ? b[edit.b] : a[edit.a];
      out += '\n';
    }
    k = end;
  }
  return out;
}

}  // namespace wisp::disas
