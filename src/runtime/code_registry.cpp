#include "runtime/code_registry.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wisp::runtime {

namespace {

struct Snapshot {
  std::vector<RegisteredCode> entries;  // sorted by begin, non-overlapping
};

// Constant-initialized, so usable before and during static initialization of other files.
std::atomic<const Snapshot*> g_snapshot{nullptr};
std::atomic<uint64_t> g_readers_in_flight{0};
std::mutex g_writer_mutex;

static_assert(std::atomic<const Snapshot*>::is_always_lock_free);
static_assert(std::atomic<uint64_t>::is_always_lock_free);

// Holds off the freeing of the snapshot it loaded for as long as it lives.
class ReadGuard {
 public:
  ReadGuard() noexcept {
    g_readers_in_flight.fetch_add(1, std::memory_order_seq_cst);
    snapshot_ = g_snapshot.load(std::memory_order_seq_cst);
  }
  ~ReadGuard() { g_readers_in_flight.fetch_sub(1, std::memory_order_seq_cst); }
  ReadGuard(const ReadGuard&) = delete;
  ReadGuard& operator=(const ReadGuard&) = delete;
  const Snapshot* snapshot() const { return snapshot_; }

 private:
  const Snapshot* snapshot_;
};

const RegisteredCode* findIn(const Snapshot* snapshot, uintptr_t pc) noexcept {
  if (snapshot == nullptr) return nullptr;
  const auto& entries = snapshot->entries;
  auto after = std::upper_bound(entries.begin(), entries.end(), pc,
                                [](uintptr_t address, const RegisteredCode& code) { return address < code.begin; });
  if (after == entries.begin()) return nullptr;
  const RegisteredCode& candidate = *(after - 1);
  return pc < candidate.end ? &candidate : nullptr;
}

// Publishes `next` and frees the snapshot it replaces once no reader can still see it.
// A reader that loaded the old pointer incremented the count before loading, so (all
// operations being sequentially consistent) it is counted before our exchange and we wait.
void publish(const Snapshot* next) {
  const Snapshot* old = g_snapshot.exchange(next, std::memory_order_seq_cst);
  while (g_readers_in_flight.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
  delete old;
}

}  // namespace

Result<void> registerCode(uintptr_t begin, uintptr_t end, const CodeInfo* info) {
  if (info == nullptr) return Error{"code registry: no code info given"};
  if (!info->finished()) return Error{"code registry: code info is not finished"};
  if (begin >= end) return Error{"code registry: empty code range"};
  if (end - begin > UINT32_MAX) return Error{"code registry: code range larger than 4 GiB"};

  std::lock_guard lock(g_writer_mutex);
  const Snapshot* current = g_snapshot.load(std::memory_order_seq_cst);
  auto next = std::make_unique<Snapshot>();
  if (current != nullptr) next->entries = current->entries;
  for (const RegisteredCode& code : next->entries) {
    if (begin < code.end && code.begin < end) {
      return Error{"code registry: range overlaps code registered at " + std::to_string(code.begin)};
    }
  }
  const RegisteredCode added{begin, end, info};
  next->entries.insert(std::upper_bound(next->entries.begin(), next->entries.end(), added,
                                        [](const RegisteredCode& a, const RegisteredCode& b) { return a.begin < b.begin; }),
                       added);
  publish(next.release());
  return {};
}

bool unregisterCode(uintptr_t begin) {
  std::lock_guard lock(g_writer_mutex);
  const Snapshot* current = g_snapshot.load(std::memory_order_seq_cst);
  if (current == nullptr) return false;
  auto next = std::make_unique<Snapshot>();
  next->entries.reserve(current->entries.size());
  bool found = false;
  for (const RegisteredCode& code : current->entries) {
    if (code.begin == begin) {
      found = true;
    } else {
      next->entries.push_back(code);
    }
  }
  if (!found) return false;
  publish(next.release());
  return true;
}

std::optional<RegisteredCode> lookupCode(uintptr_t pc) noexcept {
  ReadGuard guard;
  const RegisteredCode* found = findIn(guard.snapshot(), pc);
  if (found == nullptr) return std::nullopt;
  return *found;
}

const TrapSite* lookupTrapSite(uintptr_t pc) noexcept {
  std::optional<RegisteredCode> code = lookupCode(pc);
  return code ? code->info->lookupTrap(code->offsetOf(pc)) : nullptr;
}

const FunctionCode* lookupFunctionCode(uintptr_t pc) noexcept {
  std::optional<RegisteredCode> code = lookupCode(pc);
  return code ? code->info->lookupFunction(code->offsetOf(pc)) : nullptr;
}

Result<CodeRegistration> CodeRegistration::create(uintptr_t begin, uintptr_t end,
                                                  const CodeInfo* info) {
  if (auto registered = registerCode(begin, end, info); !registered) return registered.error();
  return CodeRegistration(begin);
}

CodeRegistration& CodeRegistration::operator=(CodeRegistration&& other) noexcept {
  if (this != &other) {
    if (begin_ != 0) unregisterCode(begin_);
    begin_ = other.begin_;
    other.begin_ = 0;
  }
  return *this;
}

CodeRegistration::~CodeRegistration() {
  if (begin_ != 0) unregisterCode(begin_);
}

}  // namespace wisp::runtime
