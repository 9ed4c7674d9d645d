#include "jit_test_support.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "runtime/trap_handler.h"

namespace wisp::runtime::test {

using namespace asmjit;

JitBuilder::JitBuilder() : holder_(std::make_unique<CodeHolder>()) {
  holder_->init(Environment::host());
  holder_->attach(&assembler_);
}

namespace {

#if defined(__aarch64__)
void pushFrameRecord(a64::Assembler& as) {
  as.stp(a64::x29, a64::x30, a64::ptr_pre(a64::sp, -16));
  as.mov(a64::x29, a64::sp);
}
void popFrameAndReturn(a64::Assembler& as) {
  as.ldp(a64::x29, a64::x30, a64::ptr_post(a64::sp, 16));
  as.ret(a64::x30);
}
#else
void pushFrameRecord(x86::Assembler& as) {
  as.push(x86::rbp);
  as.mov(x86::rbp, x86::rsp);
}
void popFrameAndReturn(x86::Assembler& as) {
  as.pop(x86::rbp);
  as.ret();
}
#endif

}  // namespace

void JitBuilder::beginFunction(const Label& label, uint32_t function_index, std::string name) {
  assembler_.bind(label);
  current_name_ = std::move(name);
  current_ = FunctionCode{function_index, offset(), 0, current_name_};
  in_function_ = true;
  pushFrameRecord(assembler_);
}

void JitBuilder::endFunction(bool emit_epilogue) {
  if (emit_epilogue) popFrameAndReturn(assembler_);
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
  illegalInstruction();
}

void JitBuilder::returnNow() { popFrameAndReturn(assembler_); }

#if defined(__aarch64__)

void JitBuilder::nop() { assembler_.nop(); }
void JitBuilder::call(const Label& label) { assembler_.bl(label); }
void JitBuilder::returnConstant(uint32_t value) { assembler_.mov(a64::w0, value); }
void JitBuilder::addToResult(int32_t value) { assembler_.add(a64::x0, a64::x0, value); }
void JitBuilder::reserveStack(uint32_t bytes) { assembler_.sub(a64::sp, a64::sp, bytes); }

void JitBuilder::loadByte(const uint8_t* base, uint32_t wasm_offset) {
  if (base == nullptr) {
    assembler_.ldrb(a64::w0, a64::ptr(a64::x0));
    return;
  }
  assembler_.mov(a64::x16, reinterpret_cast<uint64_t>(base));
  assembler_.add(a64::x16, a64::x16, a64::x1);
  assembler_.mov(a64::w17, a64::w0);  // the index zero-extended
  wasmOffset(wasm_offset);
  assembler_.ldrb(a64::w0, a64::ptr(a64::x16, a64::x17));
}

void JitBuilder::checkStack(const RuntimeLimits* limits, const Label& overflow) {
  assembler_.mov(a64::x16, reinterpret_cast<uint64_t>(limits));
  assembler_.ldr(a64::x16, a64::ptr(a64::x16, RuntimeLimits::kStackLimitOffset));
  assembler_.mov(a64::x17, a64::sp);
  assembler_.cmp(a64::x17, a64::x16);
  assembler_.b_lo(overflow);
}

void JitBuilder::sendSignalToThisThread(int signal) {
  assembler_.mov(a64::x8, SYS_tgkill);
  assembler_.mov(a64::x0, static_cast<uint64_t>(getpid()));
  assembler_.mov(a64::x1, static_cast<uint64_t>(gettid()));
  assembler_.mov(a64::x2, signal);
  assembler_.svc(0);
}

void JitBuilder::illegalInstruction() { assembler_.udf(0); }

void JitBuilder::emitEntryTrampoline(const Label& label) {
  assembler_.bind(label);
  // The record's sp stays catchTraps' (its landing pad finds its frame from it): the stack walk
  // ends above this frame, whose return address is no wasm code.
  pushFrameRecord(assembler_);
  assembler_.mov(a64::x16, a64::x1);
  assembler_.mov(a64::x0, a64::x2);
  assembler_.mov(a64::x1, a64::x3);
  assembler_.blr(a64::x16);
  popFrameAndReturn(assembler_);
}

// As the wasm-to-native trampolines do where the call leaves the return address in a register:
// the frame record pushed first, then the caller's frame pointer and the address of the saved
// return address recorded from it.
void JitBuilder::emitExitTrampoline(const Label& label, const void* host) {
  assembler_.bind(label);
  pushFrameRecord(assembler_);
  assembler_.mrs(a64::x17, Imm(a64::Predicate::SysReg::kTPIDR_EL0));
  assembler_.mov(a64::x16, threadEntryStateOffset() + ThreadEntryState::kInnermostOffset);
  assembler_.ldr(a64::x17, a64::ptr(a64::x17, a64::x16));
  assembler_.ldr(a64::x16, a64::ptr(a64::x29));
  assembler_.str(a64::x16, a64::ptr(a64::x17, EntryRecord::kExitFpOffset));
  assembler_.add(a64::x16, a64::x29, 8);
  assembler_.str(a64::x16, a64::ptr(a64::x17, EntryRecord::kExitSpOffset));
  assembler_.mov(a64::x16, reinterpret_cast<uint64_t>(host));
  assembler_.blr(a64::x16);
  popFrameAndReturn(assembler_);
}

#else

void JitBuilder::nop() { assembler_.nop(); }
void JitBuilder::call(const Label& label) { assembler_.call(label); }
void JitBuilder::returnConstant(uint32_t value) { assembler_.mov(x86::eax, value); }
void JitBuilder::addToResult(int32_t value) { assembler_.add(x86::rax, value); }
void JitBuilder::reserveStack(uint32_t bytes) { assembler_.sub(x86::rsp, bytes); }

void JitBuilder::loadByte(const uint8_t* base, uint32_t wasm_offset) {
  if (base == nullptr) {
    assembler_.movzx(x86::eax, x86::byte_ptr(x86::rdi));
    return;
  }
  assembler_.mov(x86::edi, x86::edi);  // the index zero-extended
  assembler_.mov(x86::rax, reinterpret_cast<uint64_t>(base));
  assembler_.add(x86::rax, x86::rsi);
  wasmOffset(wasm_offset);
  assembler_.movzx(x86::eax, x86::byte_ptr(x86::rax, x86::rdi));
}

void JitBuilder::checkStack(const RuntimeLimits* limits, const Label& overflow) {
  assembler_.mov(x86::r11, reinterpret_cast<uint64_t>(limits));
  assembler_.cmp(x86::rsp, x86::qword_ptr(x86::r11, RuntimeLimits::kStackLimitOffset));
  assembler_.jb(overflow);
}

void JitBuilder::sendSignalToThisThread(int signal) {
  assembler_.mov(x86::eax, SYS_tgkill);
  assembler_.mov(x86::edi, static_cast<uint32_t>(getpid()));
  assembler_.mov(x86::esi, static_cast<uint32_t>(gettid()));
  assembler_.mov(x86::edx, signal);
  assembler_.syscall();
}

void JitBuilder::illegalInstruction() { assembler_.ud2(); }

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
  pushFrameRecord(assembler_);
  assembler_.mov(x86::rax, x86::rsi);
  assembler_.mov(x86::rdi, x86::rdx);
  assembler_.mov(x86::rsi, x86::rcx);
  assembler_.call(x86::rax);
  popFrameAndReturn(assembler_);
}

void JitBuilder::emitExitTrampoline(const Label& label, const void* host) {
  assembler_.bind(label);
  loadInnermostEntry(assembler_);
  assembler_.mov(x86::qword_ptr(x86::r11, EntryRecord::kExitFpOffset), x86::rbp);
  assembler_.mov(x86::qword_ptr(x86::r11, EntryRecord::kExitSpOffset), x86::rsp);
  pushFrameRecord(assembler_);
  assembler_.mov(x86::rax, reinterpret_cast<uint64_t>(host));
  assembler_.call(x86::rax);
  popFrameAndReturn(assembler_);
}

#endif

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
