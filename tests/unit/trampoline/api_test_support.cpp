#include "api_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace wisp::test {

std::vector<uint8_t> watToWasm(std::string_view wat) {
  const std::string wat2wasm = WISP_WAT2WASM;
  if (wat2wasm.empty()) {
    ADD_FAILURE() << "wat2wasm was not found at configure time";
    return {};
  }
  char dir_template[] = "/tmp/wisp-trampoline-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return {};
  }
  const std::filesystem::path wat_path = std::filesystem::path(dir) / "m.wat";
  const std::filesystem::path wasm_path = std::filesystem::path(dir) / "m.wasm";
  std::ofstream(wat_path) << wat;
  const std::string command = wat2wasm + " --debug-names " + wat_path.string() + " -o " +
                              wasm_path.string() + " 2>&1";
  std::string output;
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    status = pclose(pipe);
  }
  std::vector<uint8_t> bytes;
  if (status != 0) {
    ADD_FAILURE() << "wat2wasm failed:\n" << output << "\n" << wat;
  } else {
    std::ifstream in(wasm_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(dir);
  return bytes;
}

std::optional<Instance> instantiateWat(Store& store, Linker& linker, std::string_view wat) {
  const std::vector<uint8_t> bytes = watToWasm(wat);
  if (bytes.empty()) return std::nullopt;
  Result<Module> module = Module::compile(store.engine(), bytes);
  if (!module) {
    ADD_FAILURE() << module.error().describe() << "\n" << wat;
    return std::nullopt;
  }
  Result<Instance> instance = linker.instantiate(store, *module);
  if (!instance) {
    ADD_FAILURE() << instance.error().describe();
    return std::nullopt;
  }
  return *instance;
}

size_t findUnique(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& pattern) {
  auto first = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
  if (first == bytes.end()) {
    ADD_FAILURE() << "pattern not found in the binary";
    return 0;
  }
  if (std::search(first + 1, bytes.end(), pattern.begin(), pattern.end()) != bytes.end())
    ADD_FAILURE() << "pattern occurs more than once in the binary";
  return static_cast<size_t>(first - bytes.begin());
}

}  // namespace wisp::test
