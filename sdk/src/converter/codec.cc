#include "temporal/converter/codec.h"

namespace temporal {

// Out of line so that the vtable has one home.
PayloadCodec::~PayloadCodec() = default;

}  // namespace temporal
