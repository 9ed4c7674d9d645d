// The end of instantiation shared by Instance::create and Linker::instantiate: turning the
// runtime's outcome into a Result and running the start function.
#pragma once

#include "api/state.h"

namespace wisp::detail {

// Fails with an Argument error when the module was compiled by another engine than the
// store's: their canonical type ids would not agree.
Result<void> checkSameEngine(const Module& module, StoreState& store);

Result<Instance> finishInstantiation(StoreState& store, runtime::Instantiation outcome);

}  // namespace wisp::detail
