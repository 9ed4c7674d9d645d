// How a subcommand reports an error: "wisp COMMAND: message" on stderr.
#pragma once

#include <cstdio>

namespace wisp::cli {

// Prints the message (printf-style) after flushing stdout, so that the two stay in order on
// one terminal or log, and returns `code`, the exit status to end with.
template <typename... Args>
int commandError(int code, const char* command, const char* format, Args... args) {
  std::fflush(stdout);
  std::fprintf(stderr, "wisp %s: ", command);
  std::fprintf(stderr, format, args...);
  std::fprintf(stderr, "\n");
  return code;
}

}  // namespace wisp::cli
