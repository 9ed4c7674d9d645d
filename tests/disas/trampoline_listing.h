// The golden text of the trampolines: each kind for a few signatures, chosen to cover no
// arguments, every value type, more arguments than the argument registers of both classes,
// and more results than the result registers.
#pragma once

#include <string>

#include "disassembler.h"

namespace wisp::disas {

std::string listTrampolines(const Disassembler& disassembler);

}  // namespace wisp::disas
