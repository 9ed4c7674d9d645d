#include "runtime/code_info.h"

#include <algorithm>
#include <utility>

namespace wisp::runtime {

void CodeInfo::addFunction(FunctionCode function) {
  if (!function.name.empty()) function.name = added_names_.emplace_back(function.name);
  functions_.push_back(function);
  finished_ = false;
}

void CodeInfo::addTrapSite(TrapSite site) {
  trap_sites_.push_back(site);
  finished_ = false;
}

void CodeInfo::addAddressMapEntry(AddressMapEntry entry) {
  address_map_.push_back(entry);
  finished_ = false;
}

void CodeInfo::assign(std::vector<FunctionCode> functions, std::vector<TrapSite> trap_sites,
                      std::vector<AddressMapEntry> address_map,
                      std::shared_ptr<const std::string> names) {
  functions_ = std::move(functions);
  assigned_names_ = std::move(names);
  trap_sites_ = std::move(trap_sites);
  address_map_ = std::move(address_map);
  finished_ = false;
}

void CodeInfo::assignHandlers(std::vector<HandlerSite> handlers) {
  handlers_ = std::move(handlers);
  finished_ = false;
}

std::optional<uint32_t> CodeInfo::lookupHandler(uint32_t return_offset) const noexcept {
  auto it = std::lower_bound(handlers_.begin(), handlers_.end(), return_offset,
                             [](const HandlerSite& h, uint32_t at) { return h.return_offset < at; });
  if (it == handlers_.end() || it->return_offset != return_offset) return std::nullopt;
  return it->landing_offset;
}

namespace {
// The compiler lays functions out in order, so the tables usually arrive sorted: checking is
// linear, sorting a million address map entries is not.
template <typename T, typename Less>
void sortIfNeeded(std::vector<T>& entries, Less less) {
  if (!std::is_sorted(entries.begin(), entries.end(), less))
    std::stable_sort(entries.begin(), entries.end(), less);
}
}  // namespace

Result<void> CodeInfo::finish() {
  sortIfNeeded(functions_, [](const FunctionCode& a, const FunctionCode& b) {
    return a.code_begin < b.code_begin;
  });
  sortIfNeeded(trap_sites_, [](const TrapSite& a, const TrapSite& b) {
    return a.code_offset < b.code_offset;
  });
  sortIfNeeded(address_map_, [](const AddressMapEntry& a, const AddressMapEntry& b) {
    return a.code_offset < b.code_offset;
  });
  sortIfNeeded(handlers_, [](const HandlerSite& a, const HandlerSite& b) {
    return a.return_offset < b.return_offset;
  });
  for (size_t i = 0; i < functions_.size(); ++i) {
    const FunctionCode& function = functions_[i];
    if (function.code_begin >= function.code_end) {
      return Error{"code info: function " + std::to_string(function.function_index) +
                   " has an empty code range [" + std::to_string(function.code_begin) + ", " +
                   std::to_string(function.code_end) + ")"};
    }
    if (i > 0 && functions_[i - 1].code_end > function.code_begin) {
      return Error{"code info: the code of functions " +
                   std::to_string(functions_[i - 1].function_index) + " and " +
                   std::to_string(function.function_index) + " overlaps at offset " +
                   std::to_string(function.code_begin)};
    }
  }
  for (size_t i = 1; i < trap_sites_.size(); ++i) {
    if (trap_sites_[i - 1].code_offset == trap_sites_[i].code_offset) {
      return Error{"code info: two trap sites at code offset " +
                   std::to_string(trap_sites_[i].code_offset)};
    }
  }
  finished_ = true;
  return {};
}

const FunctionCode* CodeInfo::lookupFunction(uint32_t code_offset) const noexcept {
  // The last function starting at or before the offset, if the offset is inside it.
  auto after = std::upper_bound(functions_.begin(), functions_.end(), code_offset,
                                [](uint32_t offset, const FunctionCode& f) { return offset < f.code_begin; });
  if (after == functions_.begin()) return nullptr;
  const FunctionCode& candidate = *(after - 1);
  return code_offset < candidate.code_end ? &candidate : nullptr;
}

const TrapSite* CodeInfo::lookupTrap(uint32_t code_offset) const noexcept {
  auto found = std::lower_bound(trap_sites_.begin(), trap_sites_.end(), code_offset,
                                [](const TrapSite& site, uint32_t offset) { return site.code_offset < offset; });
  if (found == trap_sites_.end() || found->code_offset != code_offset) return nullptr;
  return &*found;
}

std::optional<FrameLocation> CodeInfo::lookupFrame(uint32_t code_offset) const noexcept {
  const FunctionCode* function = lookupFunction(code_offset);
  if (function == nullptr) return std::nullopt;
  FrameLocation location{function->function_index, kUnknownWasmOffset};
  auto after = std::upper_bound(address_map_.begin(), address_map_.end(), code_offset,
                                [](uint32_t offset, const AddressMapEntry& e) { return offset < e.code_offset; });
  if (after != address_map_.begin() && (after - 1)->code_offset >= function->code_begin) {
    location.wasm_offset = (after - 1)->wasm_offset;
  }
  return location;
}

}  // namespace wisp::runtime
