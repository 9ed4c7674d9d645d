#include "runtime/backtrace.h"

#include "runtime/code_registry.h"

namespace wisp::runtime {

namespace {

uintptr_t lookupPc(const RawFrame& frame) {
  return frame.is_return_address ? frame.pc - 1 : frame.pc;
}

bool inWasmFunction(uintptr_t pc) noexcept { return lookupFunctionCode(pc) != nullptr; }

}  // namespace

bool captureWasmFrames(uintptr_t pc, bool pc_is_return_address, uintptr_t fp, uintptr_t lower,
                       uintptr_t upper, RawBacktrace& out) noexcept {
  const RawFrame first{pc, pc_is_return_address};
  if (!inWasmFunction(lookupPc(first))) return true;
  if (!out.push(first)) return false;
  while (fp >= lower && fp % 8 == 0 && fp < upper && upper - fp >= 16) {
    const auto* slots = reinterpret_cast<const uintptr_t*>(fp);
    const uintptr_t caller_fp = slots[0];
    const RawFrame caller{slots[1], true};
    if (!inWasmFunction(lookupPc(caller))) break;
    if (!out.push(caller)) return false;
    lower = fp + 16;
    fp = caller_fp;
  }
  return true;
}

std::vector<Frame> resolveBacktrace(const RawBacktrace& raw) {
  std::vector<Frame> frames;
  frames.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const uintptr_t pc = lookupPc(raw[i]);
    std::optional<RegisteredCode> code = lookupCode(pc);
    if (!code) continue;
    const uint32_t offset = code->offsetOf(pc);
    const FunctionCode* function = code->info->lookupFunction(offset);
    if (function == nullptr) continue;
    Frame frame{function->function_index, std::string(function->name), kUnknownWasmOffset};
    const TrapSite* site = raw[i].is_return_address ? nullptr : code->info->lookupTrap(offset);
    if (site != nullptr && site->wasm_offset != kUnknownWasmOffset) {
      frame.wasm_offset = site->wasm_offset;
    } else if (std::optional<FrameLocation> location = code->info->lookupFrame(offset)) {
      frame.wasm_offset = location->wasm_offset;
    }
    if (frame.wasm_offset != kUnknownWasmOffset && function->body_offset != kUnknownWasmOffset &&
        frame.wasm_offset >= function->body_offset)
      frame.function_offset = frame.wasm_offset - function->body_offset;
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace wisp::runtime
