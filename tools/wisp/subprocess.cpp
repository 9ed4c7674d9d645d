#include "subprocess.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace wisp::cli {

ProcessOutcome runProcess(const std::vector<std::string>& argv,
                          const std::filesystem::path& output_file) {
  if (argv.empty()) return {false, "no program to run"};
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

  pid_t pid = 0;
  int spawn_error = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0)
    return {false, "cannot run '" + argv[0] + "': " + std::strerror(spawn_error)};

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return {false, "cannot wait for '" + argv[0] + "': " + std::strerror(errno)};
  }
  if (WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code == 0) return {true, ""};
    // 127 is what a child reports when exec failed after the fork.
    if (code == 127) return {false, "cannot run '" + argv[0] + "' (exit status 127: not found?)"};
    return {false, "'" + argv[0] + "' exited with status " + std::to_string(code)};
  }
  if (WIFSIGNALED(status))
    return {false, "'" + argv[0] + "' was killed by signal " + std::to_string(WTERMSIG(status)) +
                       " (" + strsignal(WTERMSIG(status)) + ")"};
  return {false, "'" + argv[0] + "' ended in an unexpected way"};
}

}  // namespace wisp::cli
