#include "test_modules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "wasm/module.h"

namespace wisp::test {

bool haveWat2Wasm() { return std::string(WISP_WAT2WASM).size() > 0; }

std::vector<uint8_t> watToWasm(std::string_view wat) { return watToWasm(wat, ""); }

std::vector<uint8_t> watToWasm(std::string_view wat, std::string_view wat2wasm_flags) {
  if (!haveWat2Wasm()) {
    ADD_FAILURE() << "wat2wasm was not found at configure time";
    return {};
  }
  char dir_template[] = "/tmp/wisp-api-test-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return {};
  }
  const std::string wat_path = std::string(dir) + "/m.wat";
  const std::string wasm_path = std::string(dir) + "/m.wasm";
  {
    std::ofstream out(wat_path);
    out << wat;
  }
  const std::string command = std::string(WISP_WAT2WASM) + " --debug-names " +
                              std::string(wat2wasm_flags) + " " + wat_path + " -o " + wasm_path +
                              " 2>&1";
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    if (pclose(pipe) != 0) ADD_FAILURE() << "wat2wasm failed:\n" << output << "\n" << wat;
  }
  std::ifstream in(wasm_path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(wat_path.c_str());
  std::remove(wasm_path.c_str());
  rmdir(dir);
  return bytes;
}

std::shared_ptr<const runtime::CompiledModule> compileWithStubCode(const std::vector<uint8_t>& bytes,
                                                                   runtime::TypeRegistry& types) {
  auto decoded = wasm::decodeModule(bytes);
  if (!decoded) {
    ADD_FAILURE() << decoded.error().describe();
    return nullptr;
  }
  std::unique_ptr<wasm::Module> module = std::move(*decoded);
  std::vector<uint32_t> type_ids;
  for (const wasm::FuncType& type : module->types) type_ids.push_back(types.intern(type));

  auto code = std::make_unique<runtime::CompiledCode>();
  const size_t defined = module->functions.size() - module->imported_function_count;
  if (defined != 0) {
    auto memory = runtime::CodeMemory::allocate(16);
    EXPECT_TRUE(memory.ok());
    code->memory = std::move(*memory);
    const uint8_t ret = 0xC3;
    EXPECT_TRUE(code->memory.write(0, {&ret, 1}).ok());
    EXPECT_TRUE(code->memory.publish().ok());
  }
  EXPECT_TRUE(code->info.finish().ok());
  code->function_offsets.assign(defined, 0);
  auto compiled = runtime::CompiledModule::create(std::move(module), std::move(code), std::move(type_ids));
  if (!compiled) {
    ADD_FAILURE() << compiled.error().message;
    return nullptr;
  }
  return *compiled;
}

}  // namespace wisp::test
