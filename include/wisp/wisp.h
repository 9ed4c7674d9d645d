// Wisp's public C++ API: compile a module, link it against host functions and other
// instances, instantiate it in a store and call it.
//
//   wisp::Engine engine;
//   wisp::Store store(engine);
//   auto module = wisp::Module::compile(engine, bytes);            // Result<Module>
//   wisp::Linker linker(engine);
//   linker.define("env", "log", *wisp::Func::wrap(store, [](int32_t x) { ... }));
//   auto instance = linker.instantiate(store, *module);           // Result<Instance>
//   auto run = instance->getFunc("run")->typed<int32_t(int32_t)>(store);
//   wisp::Result<int32_t> answer = run->call(41);                  // Error with a Trap on trap
#pragma once

#include "wisp/engine.h"
#include "wisp/extern.h"
#include "wisp/func.h"
#include "wisp/global.h"
#include "wisp/instance.h"
#include "wisp/linker.h"
#include "wisp/memory.h"
#include "wisp/module.h"
#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/table.h"
#include "wisp/tag.h"
#include "wisp/types.h"
#include "wisp/val.h"
