// label.hpp — how the simulator's traces show the value of a labelled
// location (see Sync::label).
#pragma once

namespace lockstep {

enum class LabelFormat : unsigned char {
  kNumber,      // as is
  kIndex32,     // a 32-bit node index; 0xFFFFFFFF reads "nil"
  kTaggedIndex, // a head word: "index#tag" (index in the low 32 bits)
};

} // namespace lockstep
