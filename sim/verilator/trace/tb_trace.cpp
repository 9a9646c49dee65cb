// FST-traced variant of the harness testbench (tb_main.cpp), for `tessera simulate --trace`:
// the same driver and DRAM model, compiled with a design whose evaluations are all dumped to the
// FST file named by $TESSERA_TRACE_FST. Time advances by one per evaluation: two steps per clock
// cycle (clock low, clock high), plus one per config-register read between layers.
#include "Vdut.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include <cstdint>
#include <cstdlib>

namespace {

// Tracing must be switched on before the model registers its signals.
struct TraceEverOn {
    TraceEverOn() { Verilated::traceEverOn(true); }
};

class TracedDut : private TraceEverOn, public Vdut {
public:
    TracedDut() {
        const char *path = std::getenv("TESSERA_TRACE_FST");
        if (path && *path) {
            trace(&fst_, 99);
            fst_.open(path);
        }
    }
    ~TracedDut() {
        if (fst_.isOpen()) fst_.close();
    }
    void eval() {
        Vdut::eval();
        if (fst_.isOpen()) fst_.dump(time_++);
    }

private:
    VerilatedFstC fst_;
    uint64_t time_ = 0;
};

}  // namespace

// tb_main.cpp declares its design as `Vdut dut;` and calls dut.eval(): it gets the traced one.
#define Vdut TracedDut
#include "tb_main.cpp"
