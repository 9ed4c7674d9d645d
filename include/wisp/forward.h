// Forward declarations of the runtime objects behind the API's handles. Handles hold plain
// pointers to them; their definitions stay private to the library.
#pragma once

namespace wisp::runtime {
struct VMFuncRef;
struct VMHostFuncContext;
struct ExternRefBox;
class MemoryInstance;
class TableInstance;
class GlobalInstance;
class TagInstance;
struct ExceptionInstance;
class Instance;
}  // namespace wisp::runtime

namespace wisp::detail {
class EngineState;
class StoreState;
struct Access;  // the library's way into handles' private parts
}  // namespace wisp::detail
