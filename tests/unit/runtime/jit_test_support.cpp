#include "jit_test_support.h"

#include <gtest/gtest.h>

#include <cstring>

#include "runtime/trap_handler.h"

namespace wisp::runtime::test {

using namespace asmjit;

JitBuilder::JitBuilder() : holder_(std::make_unique<CodeHolder>()) {
  holder_->init(Environment::host());
  holder_->attach(&assembler_);
}

void JitBuilder::beginFunction(const Label& label, uint32_t function_index, std::string name) {
  assembler_.bind(label);
  current_name_ = std::move(name);
  current_ = FunctionCode{function_index, offset(), 0, current_name_};
  in_function_ = true;
  assembler_.push(x86::rbp);
  assembler_.mov(x86::rbp, x86::rsp);
}

void JitBuilder::endFunction(bool emit_epilogue) {
  if (emit_epilogue) {
    assembler_.pop(x86::rbp);
    assembler_.ret();
  }
  current_.code_end = offset();
  info_.addFunction(std::move(current_));
  in_function_ = false;
}

void JitBuilder::trapSite(TrapKind kind, uint32_t wasm_offset) {
  info_.addTrapSite(TrapSite{offset(), kind, wasm_offset});
}

void JitBuilder::wasmOffset(uint32_t wasm_offset) {
  info_.addAddressMapEntry(AddressMapEntry{offset(), wasm_offset});
}

void JitBuilder::emitTrap(TrapKind kind, uint32_t wasm_offset) {
  trapSite(kind, wasm_offset);
  assembler_.ud2();
}

namespace {

// mov r11, fs:[the thread's innermost entry]: the record the real trampolines fill.
void loadInnermostEntry(x86::Assembler& as) {
  const int32_t offset = threadEntryStateOffset() + ThreadEntryState::kInnermostOffset;
  const uint8_t code[] = {0x64, 0x4c, 0x8b, 0x1c, 0x25};
  as.embed(code, sizeof code);
  as.embed(&offset, sizeof offset);
}

}  // namespace

void JitBuilder::emitEntryTrampoline(const Label& label) {
  assembler_.bind(label);
  // The record's sp stays catchTraps' (its landing pad finds its frame from it): the stack walk
  // ends above this frame, whose return address is no wasm code.
  assembler_.push(x86::rbp);
  assembler_.mov(x86::rbp, x86::rsp);
  assembler_.mov(x86::rax, x86::rsi);
  assembler_.mov(x86::rdi, x86::rdx);
  assembler_.mov(x86::rsi, x86::rcx);
  assembler_.call(x86::rax);
  assembler_.pop(x86::rbp);
  assembler_.ret();
}

void JitBuilder::emitExitTrampoline(const Label& label, const void* host) {
  assembler_.bind(label);
  loadInnermostEntry(assembler_);
  assembler_.mov(x86::qword_ptr(x86::r11, EntryRecord::kExitFpOffset), x86::rbp);
  assembler_.mov(x86::qword_ptr(x86::r11, EntryRecord::kExitSpOffset), x86::rsp);
  assembler_.push(x86::rbp);
  assembler_.mov(x86::rbp, x86::rsp);
  assembler_.mov(x86::rax, reinterpret_cast<uint64_t>(host));
  assembler_.call(x86::rax);
  assembler_.pop(x86::rbp);
  assembler_.ret();
}

std::unique_ptr<LoadedCode> JitBuilder::load() {
  EXPECT_FALSE(in_function_) << "a function is still open";
  auto loaded = std::make_unique<LoadedCode>();
  EXPECT_EQ(holder_->flatten(), kErrorOk);
  EXPECT_EQ(holder_->resolveUnresolvedLinks(), kErrorOk);
  Result<CodeMemory> memory = CodeMemory::allocate(holder_->codeSize());
  EXPECT_TRUE(memory.ok()) << (memory.ok() ? "" : memory.error().message);
  if (!memory.ok()) return nullptr;
  loaded->memory = std::move(*memory);
  EXPECT_EQ(holder_->relocateToBase(loaded->memory.begin()), kErrorOk);
  const size_t size = holder_->codeSize();
  EXPECT_EQ(holder_->copyFlattenedData(loaded->memory.writableBytes().data(), size,
                                       CopySectionFlags::kPadTargetBuffer),
            kErrorOk);
  Result<void> published = loaded->memory.publish();
  EXPECT_TRUE(published.ok()) << (published.ok() ? "" : published.error().message);

  loaded->info = std::move(info_);
  Result<void> finished = loaded->info.finish();
  EXPECT_TRUE(finished.ok()) << (finished.ok() ? "" : finished.error().message);
  Result<CodeRegistration> registration =
      CodeRegistration::create(loaded->memory.begin(), loaded->memory.end(), &loaded->info);
  EXPECT_TRUE(registration.ok()) << (registration.ok() ? "" : registration.error().message);
  if (registration.ok()) loaded->registration = std::move(*registration);
  holder_->detach(&assembler_);
  loaded->holder = std::move(holder_);
  return loaded;
}

}  // namespace wisp::runtime::test
