// Running a program with an argv array (no shell, so no quoting problems) and waiting for it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace wisp::cli {

struct ProcessOutcome {
  bool succeeded = false;  // started and exited with status 0
  std::string failure;     // otherwise why: "exited with status 1", "cannot run 'x': ..."
};

// Runs argv[0] (searched in PATH when it has no slash) with the given arguments. The
// child's stdout and stderr both go to `output_file`, so a failure can show them.
ProcessOutcome runProcess(const std::vector<std::string>& argv,
                          const std::filesystem::path& output_file);

}  // namespace wisp::cli
