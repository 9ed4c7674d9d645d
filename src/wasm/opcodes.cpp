#include "wasm/opcodes.h"

#include <array>

namespace wisp::wasm::detail {
namespace {

constexpr ValType I = ValType::I32, L = ValType::I64, F = ValType::F32, D = ValType::F64,
                  V = ValType::V128, X = ValType::Bottom;

}  // namespace

constexpr OpcodeInfo kOpcodeTable[kOpcodeCount] = {
#define WISP_OP(name, text, prefix, code, imm, sig, extra) \
  {text, prefix, code, Imm::imm, Sig::sig, extra},
#include "wasm/opcodes.def"
#undef WISP_OP
};

constexpr OperandSig kOperandSigs[] = {
    /*Special*/ {{}, 0, X},
    /*S_i_x*/ {{}, 0, I}, /*S_l_x*/ {{}, 0, L}, /*S_f_x*/ {{}, 0, F}, /*S_d_x*/ {{}, 0, D},
    /*S_v_x*/ {{}, 0, V},
    /*S_i_i*/ {{I}, 1, I}, /*S_i_ii*/ {{I, I}, 2, I}, /*S_i_l*/ {{L}, 1, I},
    /*S_i_ll*/ {{L, L}, 2, I}, /*S_i_f*/ {{F}, 1, I}, /*S_i_ff*/ {{F, F}, 2, I},
    /*S_i_d*/ {{D}, 1, I}, /*S_i_dd*/ {{D, D}, 2, I}, /*S_i_v*/ {{V}, 1, I},
    /*S_l_i*/ {{I}, 1, L}, /*S_l_l*/ {{L}, 1, L}, /*S_l_ll*/ {{L, L}, 2, L},
    /*S_l_f*/ {{F}, 1, L}, /*S_l_d*/ {{D}, 1, L}, /*S_l_v*/ {{V}, 1, L},
    /*S_f_i*/ {{I}, 1, F}, /*S_f_l*/ {{L}, 1, F}, /*S_f_f*/ {{F}, 1, F},
    /*S_f_ff*/ {{F, F}, 2, F}, /*S_f_d*/ {{D}, 1, F}, /*S_f_v*/ {{V}, 1, F},
    /*S_d_i*/ {{I}, 1, D}, /*S_d_l*/ {{L}, 1, D}, /*S_d_f*/ {{F}, 1, D},
    /*S_d_d*/ {{D}, 1, D}, /*S_d_dd*/ {{D, D}, 2, D}, /*S_d_v*/ {{V}, 1, D},
    /*S_v_i*/ {{I}, 1, V}, /*S_v_l*/ {{L}, 1, V}, /*S_v_f*/ {{F}, 1, V},
    /*S_v_d*/ {{D}, 1, V}, /*S_v_v*/ {{V}, 1, V}, /*S_v_vv*/ {{V, V}, 2, V},
    /*S_v_vvv*/ {{V, V, V}, 3, V}, /*S_v_vi*/ {{V, I}, 2, V}, /*S_v_vl*/ {{V, L}, 2, V},
    /*S_v_vf*/ {{V, F}, 2, V}, /*S_v_vd*/ {{V, D}, 2, V}, /*S_v_iv*/ {{I, V}, 2, V},
    /*S_x_ii*/ {{I, I}, 2, X}, /*S_x_il*/ {{I, L}, 2, X}, /*S_x_if*/ {{I, F}, 2, X},
    /*S_x_id*/ {{I, D}, 2, X}, /*S_x_iv*/ {{I, V}, 2, X},
};
static_assert(std::size(kOperandSigs) == static_cast<size_t>(Sig::S_x_iv) + 1);

namespace {

// The opcode index of each encoding, computed at compile time from the table.
template <size_t N>
constexpr std::array<uint16_t, N> encodingMap(uint8_t prefix) {
  std::array<uint16_t, N> map;
  map.fill(kUnknownOpcode);
  for (uint16_t i = 0; i < kOpcodeCount; ++i)
    if (kOpcodeTable[i].prefix == prefix) map[kOpcodeTable[i].code] = i;
  return map;
}

constexpr std::array<Sig, 256> simpleCoreSigs() {
  std::array<Sig, 256> sigs;
  sigs.fill(Sig::Special);
  for (const OpcodeInfo& info : kOpcodeTable)
    if (info.prefix == 0 && info.imm == Imm::None) sigs[info.code] = info.sig;
  return sigs;
}

}  // namespace

constexpr std::array<Sig, 256> kSimpleCoreSigs = simpleCoreSigs();
constexpr std::array<uint16_t, 256> kCoreOpcodes = encodingMap<256>(0);
constexpr std::array<uint16_t, kMiscCodes> kMiscOpcodes = encodingMap<kMiscCodes>(kPrefixMisc);
constexpr std::array<uint16_t, kSimdCodes> kSimdOpcodes = encodingMap<kSimdCodes>(kPrefixSimd);

}  // namespace wisp::wasm::detail
