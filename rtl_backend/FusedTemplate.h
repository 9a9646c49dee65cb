// The fused-group accelerator's SystemVerilog template (FusedTemplate.cpp), filled by
// generate_fused_rtl (EmitFused.cpp).
#pragma once

namespace tessera::rtl {

// One step of the output walk (x fastest, then y, then channel), the ${WALK_STEP} field.
const char *fused_walk_step();
// The top module, with ${...} fields.
const char *fused_top_template();

}  // namespace tessera::rtl
