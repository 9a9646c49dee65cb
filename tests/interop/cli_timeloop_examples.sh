#!/usr/bin/env bash
# Timeloop's example designs (timeloop-accelergy-exercises, example_designs;
# tests/interop/timeloop_examples/) with the mappings Timeloop's mapper chose for their default
# problem, Tessera's counts beside the ones Timeloop reports for them
# (ref_outputs/default_problem/timeloop-mapper.stats.txt, per-instance figures times the PEs used).
# Where the two count differently (docs/timeloop.md, "Tessera's counts beside Timeloop's"), the
# test pins Tessera's figure.
# - simple_weight_stationary: a weight scratchpad per PE above one register per tensor (compiled
#   and simulated too);
# - eyeriss_like: three scratchpads per PE, the weights straight from DRAM (no global buffer;
#   compiled and simulated too);
# - simple_output_stationary: a psum scratchpad per PE drained straight to DRAM (compiled and
#   simulated too).
set -u
tessera=$1
src=$2
. "$src/tests/interop/timeloop_counts.sh"  # $tmp, fail, counts, expect, simulates
d=$src/tests/interop/timeloop_examples
run=(--arch "$d/ws_registers.arch.yaml" --timeloop-problem "$d/default_problem.prob.yaml" --timeloop-mapping "$d/ws_registers.map.yaml")

"$tessera" estimate "${run[@]}" >"$tmp/est" 2>"$tmp/err" || { echo "FAIL: estimate simple_ws: $(cat "$tmp/err")"; exit 1; }
#      level       tensor fills     updates   reads     drains
expect DRAM        W      0         0         864       0      "Timeloop: reads 864"
expect shared_glb  W      864       0         24192     0      "Timeloop: fills 864, reads 24192"
expect pe_spad     W      24192     0         24192     0      "Timeloop: fills 2016 x 12, reads 2016 x 12"
expect weight_reg  W      24192     0         10838016  0      "Timeloop: fills 2016 x 12, reads 903168 x 12"
expect DRAM        I      0         0         160650    0      "Timeloop: reads 151875 (it fills only the new rows of overlapping tiles)"
expect shared_glb  I      160650    0         2709504   0      "Timeloop: fills 151875, reads 2709504"
expect weight_reg  I      10838016  0         10838016  0      "input_activation_reg, Timeloop: fills and reads 903168 x 12"
expect DRAM        O      0         401408    0         0      "Timeloop: updates 401408"
expect shared_glb  O      0         3612672   3211264   401408 "Timeloop: updates 3612672, reads 3211264"
expect weight_reg  O      0         10838016  10838016  0      "output_activation_reg, Timeloop: updates 903168 x 12, reads 802816 x 12 (not a sum's first update)"
grep -q "10838016 MACs" "$tmp/est" || { echo "FAIL: 10838016 MACs (Timeloop: 10838016 computes)"; fail=1; }
grep -q "mapping uses 12" "$tmp/est" || { echo "FAIL: 12 PEs used (Timeloop: utilized instances 12)"; fail=1; }
# The registers are the PEs' operand registers: they load in the compute pipeline (the weight
# register from pe_spad), so the array waits only for pe_spad's 672 fills per PE of 3 words + 3
# cycles each (and for the buffer's bandwidth).
grep -q "on-chip transfers 4032," "$tmp/est" || { echo "FAIL: on-chip transfers: $(grep cycles "$tmp/est")"; fail=1; }
# Energy where the conventions agree: the weights' whole path, the MACs, the scratchpad.
grep -q "pe_spad 5.474e+04" "$tmp/est" || { echo "FAIL: pe_spad energy (Timeloop: 54744.44 pJ): $(grep component "$tmp/est")"; fail=1; }
grep -q "MAC 3.414e+06" "$tmp/est" || { echo "FAIL: MAC energy (Timeloop: 3413975.04 pJ): $(grep component "$tmp/est")"; fail=1; }

# Timeloop's mapping in RTL: pe_spad is the weights' per-PE file, weight_reg the PE register it
# loads (docs/rtl.md, "A register level under a per-PE file"). Bit-exact, every counter (the file's
# W.spad_*) and the cycles equal to the model's.
simulates simple_ws "${run[@]}"
grep -Eq "W.spad_reads +24192 +24192" "$tmp/sim.log" || { echo "FAIL: W.spad_reads: $(grep spad "$tmp/sim.log")"; fail=1; }
grep -Eq "W.rf_reads +10838016 +10838016" "$tmp/sim.log" || { echo "FAIL: W.rf_reads: $(grep rf_reads "$tmp/sim.log")"; fail=1; }
rm -rf "$tmp/simple_ws"

# eyeriss_like: 9 of 12 rows (3 channels x 3 filter rows) x 14 columns (output rows) = 126 PEs.
eye=(--arch "$d/eyeriss_like.arch.yaml" --timeloop-problem "$d/default_problem.prob.yaml" --timeloop-mapping "$d/eyeriss_like.map.yaml")
"$tessera" estimate "${eye[@]}" >"$tmp/est" 2>"$tmp/err" || { echo "FAIL: estimate eyeriss_like: $(cat "$tmp/err")"; exit 1; }
#      level       tensor fills     updates   reads     drains
expect DRAM        W      0         0         13824     0      "Timeloop: reads 13824 (one copy per 14 PEs of a row)"
expect RF          W      193536    0         10838016  0      "weights_spad, Timeloop: fills 1536 x 126, reads 86016 x 126"
expect DRAM        I      0         0         157296    0      "Timeloop: reads 157296"
expect shared_glb  I      157296    0         1354752   0      "Timeloop: fills 157296, reads 1354752"
expect RF          I      1354752   0         10838016  0      "ifmap_spad, Timeloop: fills 10752 x 126, reads 86016 x 126"
expect DRAM        O      0         401408    0         0      "Timeloop: updates 401408"
expect shared_glb  O      0         401408    0         401408 "Timeloop: updates 401408, reads 0"
expect RF          O      0         10838016  10838016  0      "psum_spad, Timeloop: updates 86016 x 126, reads 57344 x 126 (not a sum's first update)"
grep -q "mapping uses 126" "$tmp/est" || { echo "FAIL: 126 PEs used (Timeloop: utilized instances 126)"; fail=1; }
grep -q "W multicast x14" "$tmp/est" || { echo "FAIL: the weights reach 14 PEs a word: $(grep delivery "$tmp/est")"; fail=1; }
grep -q "MAC 2.251e+06" "$tmp/est" || { echo "FAIL: MAC energy (Timeloop: 2250969.22 pJ): $(grep component "$tmp/est")"; fail=1; }
# Timeloop's mapping in RTL: the DMA fills each row's weights_spad straight from DRAM (one job per
# valid lane group, docs/rtl.md, "Per-PE files fed from DRAM"); no weight GLB. Bit-exact, every
# counter (W.glb_* count nothing) and the cycles equal to the model's.
simulates eyeriss "${eye[@]}"
grep -Eq "W.dram_reads +13824 +13824" "$tmp/sim.log" || { echo "FAIL: W.dram_reads: $(grep W.dram "$tmp/sim.log")"; fail=1; }
grep -Eq "W.rf_writes +193536 +193536" "$tmp/sim.log" || { echo "FAIL: W.rf_writes: $(grep W.rf_writes "$tmp/sim.log")"; fail=1; }
grep -Eq "W.glb_writes +0 +0" "$tmp/sim.log" || { echo "FAIL: W.glb_writes: $(grep W.glb_writes "$tmp/sim.log")"; fail=1; }
grep -A3 '"dram_fed_files"' "$tmp/eyeriss/report.json" | grep -q '"W": true' ||
    { echo "FAIL: report.json does not name the weights' files DRAM-fed"; fail=1; }
[ ! -e "$tmp/eyeriss/rtl/tessera_weight_glb.sv" ] || { echo "FAIL: a weight GLB was generated"; fail=1; }
rm -rf "$tmp/eyeriss"
# simple_output_stationary: the outputs bypass the global buffer, 56 partial sums per PE in
# pe_spad drained straight to DRAM; the inputs and weights from the global buffer through the
# registers (the !Parallel branch is one per-PE level, named for its first register). The output
# register under pe_spad is the PE's output register level (docs/rtl.md, "An output register under
# the psum file"): a sum's first update does not read pe_spad. It compiles (no output GLB: the DMA
# drains each PE's pe_spad to DRAM) and simulates bit-exactly with the model's counts and cycles.
os=(--arch "$d/os_registers.arch.yaml" --timeloop-problem "$d/default_problem.prob.yaml" --timeloop-mapping "$d/os_registers.map.yaml")
"$tessera" estimate "${os[@]}" >"$tmp/est" 2>"$tmp/err" || { echo "FAIL: estimate simple_os: $(cat "$tmp/err")"; exit 1; }
#      level       tensor fills     updates   reads     drains
expect DRAM        W      0         0         13824     0      "Timeloop: reads 13824"
expect shared_glb  W      13824     0         774144    0      "Timeloop: fills 13824, reads 774144"
expect weight_reg  W      774144    0         10838016  0      "Timeloop: fills 48384 x 16, reads 677376 x 16"
expect DRAM        I      0         0         157296    0      "Timeloop: reads 157296"
expect shared_glb  I      157296    0         677376    0      "Timeloop: fills 157296, reads 677376"
expect weight_reg  I      10838016  0         10838016  0      "input_activation_reg, Timeloop: fills and reads 677376 x 16"
expect DRAM        O      0         401408    0         0      "Timeloop: updates 401408"
expect pe_spad     O      0         10838016  10436608  401408 "Timeloop: updates 677376 x 16, reads 652288 x 16 (not a sum's first update)"
expect weight_reg  O      0         10838016  10838016  0      "output_activation_reg, Timeloop: updates and reads 677376 x 16"
grep -q "mapping uses 16" "$tmp/est" || { echo "FAIL: 16 PEs used (Timeloop: utilized instances 16)"; fail=1; }
grep -q "MAC 3.414e+06" "$tmp/est" || { echo "FAIL: MAC energy (Timeloop: 3413975.04 pJ): $(grep component "$tmp/est")"; fail=1; }
simulates simple_os "${os[@]}"
grep -Eq "O.spad_reads +10838016 +10838016" "$tmp/sim.log" || { echo "FAIL: O.spad_reads (reads and drains): $(grep spad "$tmp/sim.log")"; fail=1; }
grep -Eq "O.rf_writes +10838016 +10838016" "$tmp/sim.log" || { echo "FAIL: O.rf_writes (the register): $(grep rf_writes "$tmp/sim.log")"; fail=1; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["design"]; assert d["dram_fed_files"]["O"], d' \
    "$tmp/simple_os/report.json" || { echo "FAIL: simple_os's design keeps an output GLB"; fail=1; }
rm -rf "$tmp/simple_os"

# explore on the imported architecture: its best mapping among those the RTL builds (--rtl-only:
# the unconstrained winner drains its outputs straight to DRAM, which is modelled only) compiles
# and simulates (--verify: bit-exact, counters and cycles equal to the model), the layer named by
# the Timeloop problem.
"$tessera" explore --arch "$d/eyeriss_like.arch.yaml" --timeloop-problem "$d/small.prob.yaml" --steps 300 -j 2 \
    --rtl-only --verify 1 -o "$tmp/explore" >"$tmp/explore.log" 2>&1 || { echo "FAIL: explore --verify: $(tail -3 "$tmp/explore.log")"; fail=1; }
grep -q "== verify rank 1: PASS" "$tmp/explore.log" || { echo "FAIL: explore --verify did not PASS"; fail=1; }
[ $fail -eq 0 ] && echo "cli_timeloop_examples: all passed"
exit $fail
