#!/usr/bin/env bash
# General mappings through the CLI: the example schedules lower and estimate; each kind of bad
# general mapping exits non-zero with one line naming what to change.
set -u
tessera=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
big=conv:C=256,K=256,H=58,W=58,R=3,S=3,pad=0
small=conv:C=16,K=32,H=14,W=14,R=3,S=3,pad=1
eyeriss=$src/examples/arch/eyeriss_16x16.json

source "$(dirname "$0")/../expect_error.sh"
expect_ok() {
    "$tessera" "$@" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: tessera $*: $(cat "$tmp/err")"; fail=1; }
}
# lint_clean DIR WHAT: the compiled design in DIR passes verilator --lint-only -Wall.
lint_clean() {
    command -v verilator >/dev/null || return 0
    (cd "$1" && verilator --lint-only -Wall --top-module tessera_accel rtl/*.sv) >"$tmp/lint" 2>&1 ||
        { echo "FAIL: $2 is not lint clean: $(head -5 "$tmp/lint")"; fail=1; }
}

# The examples.
expect_ok estimate --layer $big --schedule "$src/examples/schedules/ws_scratchpads.sched" --arch "$eyeriss"
pj=$(grep '^total energy' "$tmp/out" | grep -oE '[0-9.]+ pJ/MAC' | cut -d' ' -f1)
awk -v pj="$pj" 'BEGIN { exit !(pj > 5 && pj < 9.4) }' || { echo "FAIL: ws_scratchpads at $pj pJ/MAC, want half of the presets' 18.8 or better"; fail=1; }
expect_ok lower --layer $small --schedule "$src/examples/schedules/eyeriss_rs.sched"
grep -q "array 15x16" "$tmp/out" || { echo "FAIL: eyeriss_rs rows are c x s = 15"; fail=1; }
grep -q "per-PE tiles: I, W, O" "$tmp/out" || { echo "FAIL: eyeriss_rs per-PE tiles"; fail=1; }
expect_ok estimate --layer $small --schedule "$src/examples/schedules/eyeriss_rs.sched" --arch "$eyeriss" --json
grep -q '"per_pe": true' "$tmp/out" || { echo "FAIL: --json per-PE entries"; fail=1; }
expect_ok estimate --layer $big --schedule "$src/examples/schedules/eyeriss_rs.sched" --arch "$eyeriss"
expect_ok estimate --layer $small --schedule "$src/examples/schedules/tpu_im2col.sched"
expect_ok lower --layer $small --schedule "$src/examples/schedules/tpu_im2col.sched"
grep -q "array 9x16" "$tmp/out" || { echo "FAIL: tpu_im2col rows are c x r x s = 9"; fail=1; }
expect_ok estimate --layer conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1 \
    --schedule "$src/examples/schedules/four_level_bypass.sched" --arch "$src/examples/arch/four_level.json" --json
python3 - "$tmp/out" <<'PY' || fail=1
import json, sys
levels = [(l["level"], l["tensor"]) for l in json.load(open(sys.argv[1]))["levels"]]
assert ("L2", "W") in levels and ("GLB", "W") not in levels, levels
assert ("L2", "I") in levels and ("GLB", "I") in levels, levels
PY

# Presets with several dims per axis.
expect_ok lower --layer $small --spatial 'C,FX|X'
grep -q "array 15x16" "$tmp/out" || { echo "FAIL: 'C,FX|X' rows are c 5 x s 3"; fail=1; }
expect_ok estimate --layer $small --spatial 'C,FX|X'
expect_error "more than two axes" lower --layer $small --spatial 'C|FX|X'
expect_error "empty dimension" lower --layer $small --spatial 'C,|X'
expect_error "twice" lower --layer $small --spatial 'C,X|X'

# A per-PE tile larger than its level: 16 channels x 2 filters x 3x3 = 288 B of filters > 224.
sed -e 's/split(c, co, ci, 64)/split(c, co, ci, 256)/; s/split(ci, cl, cp, 4)/split(ci, cl, cp, 16)/' \
    "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/big_tile.sched"
expect_error "holds 224 B of W per PE" estimate --layer $big --schedule "$tmp/big_tile.sched" --arch "$eyeriss"
# A loop inside the array whose tile sits on a shared level (an architecture with a second
# shared level, SPAD, between the GLB and the registers).
python3 - "$eyeriss" "$tmp/spad.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["levels"].insert(2, {"name": "SPAD", "size_bytes": 4096, "word_bits": 16, "energy_pj": 5})
json.dump(a, open(sys.argv[2], "w"))
PY
sed -e 's/hw::level(filter_rf, "RF")/hw::level(filter_rf, "SPAD")/' \
    "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/shared_inside.sched"
expect_error "needs a per-PE level" estimate --layer $big --schedule "$tmp/shared_inside.sched" --arch "$tmp/spad.json"
# A per-PE tile without its level named.
grep -v 'hw::level(filter_rf' "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/unnamed.sched"
expect_error "name its per-PE level" lower --layer $big --schedule "$tmp/unnamed.sched"
# More than two array axes.
sed -e 's/.unroll(cl).unroll(kl);/.unroll(cl).unroll(kl).unroll(r);/' \
    "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/three_axes.sched"
expect_error "two axes" lower --layer $big --schedule "$tmp/three_axes.sched"
sed -e 's/hw::array(acc, cl, kl);/hw::array(acc, {cl}, {kl}, {r});/' \
    "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/three_lists.sched"
expect_error "at most two axes" lower --layer $big --schedule "$tmp/three_lists.sched"
# The inputs bypass every shared level: DRAM feeds their per-PE tiles. The model counts it; the
# generated RTL fills such files from DRAM between compute runs (docs/rtl.md, "Per-PE files fed
# from DRAM"), here inside the array's loops (at every xq and cp: the runs end there).
sed -e 's/Func ifmap_rf = ifmap_glb.in(acc);/Func ifmap_rf = ifmap.in(acc);/' -e '/ifmap_glb/d' \
    "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/from_dram.sched"
expect_ok estimate --layer $big --schedule "$tmp/from_dram.sched" --arch "$eyeriss"
expect_ok compile --layer $big --schedule "$tmp/from_dram.sched" --arch "$eyeriss" -o "$tmp/from_dram"
# No buffer at all leaves the inputs no path to the PEs.
sed -e '/ifmap_rf/d' -e '/ifmap_glb/d' "$src/examples/schedules/ws_scratchpads.sched" >"$tmp/no_path.sched"
expect_error "were inlined: give each a buffer" estimate --layer $big --schedule "$tmp/no_path.sched" --arch "$eyeriss"
# A tensor at two shared on-chip levels (four_level_bypass.sched: inputs in L2 and the GLB) and one
# shared level per tensor with the weights bypassing the GLB compile (and simulate:
# tests/sim/test_sim_general_mappings).
expect_ok compile --layer $small --schedule "$src/examples/schedules/four_level_bypass.sched" \
    --arch "$src/examples/arch/four_level.json" -o "$tmp/design5"
grep -q '"outer_buffers"' "$tmp/design5/report.json" || { echo "FAIL: four_level_bypass's inputs get an outer buffer"; fail=1; }
lint_clean "$tmp/design5" "the two-shared-level design"
expect_ok compile --layer $small --schedule "$src/examples/schedules/four_level_glb_bypass.sched" \
    --arch "$src/examples/arch/four_level.json" -o "$tmp/design6"
# The output at two shared levels (L2 and the GLB: drained and reloaded by a walk): an outer
# output buffer, lint clean.
expect_ok compile --layer $small --schedule "$src/examples/schedules/output_two_levels.sched" \
    --arch "$src/examples/arch/four_level.json" -o "$tmp/design7"
grep -q '"O": [1-9]' "$tmp/design7/report.json" || { echo "FAIL: output_two_levels' outputs get an outer buffer"; fail=1; }
lint_clean "$tmp/design7" "the output's two-shared-level design"
# The output at three levels (L2, the GLB, a per-PE file: one hw::accumulator per level, in
# either order): lower keeps all three tiles, estimate counts them, compile builds both walks
# (tests/sim/test_sim_general_mappings simulates it), lint clean.
three="$src/examples/schedules/output_three_levels.sched"
sed -e '/hw::accumulator(acc, y, "GLB");/d' -e 's/hw::accumulator(acc, cl, "RF");/&\nhw::accumulator(acc, y, "GLB");/' \
    "$three" >"$tmp/three_reversed.sched"
for s in "$three" "$tmp/three_reversed.sched"; do
    out=$("$tessera" lower --layer $small --schedule "$s" 2>&1)
    for tile in '\[L2\] O tile 1x16x7x14' '\[GLB\] O tile 1x16x1x14' '\[RF\] O tile 1x1x1x8'; do
        echo "$out" | grep -q "$tile" || { echo "FAIL: $s lowers without the output tile $tile"; fail=1; }
    done
done
expect_ok estimate --layer $small --schedule "$three" --arch "$src/examples/arch/four_level.json"
expect_ok compile --layer $small --schedule "$three" --arch "$src/examples/arch/four_level.json" -o "$tmp/design8"
grep -q 'output_stage_drain' "$tmp/design8/rtl/tessera_controller.sv" && grep -q 'output_pe_drain' "$tmp/design8/rtl/tessera_controller.sv" ||
    { echo "FAIL: output_three_levels' controller drains both the files and the GLB block"; fail=1; }
lint_clean "$tmp/design8" "the output's three-level design"
# Per-PE accumulator files and operand tiles compile (tests/sim/test_sim_general_mappings simulates
# them).
expect_ok compile --layer $big --schedule "$src/examples/schedules/ws_scratchpads.sched" \
    --arch "$eyeriss" -o "$tmp/design"
expect_ok compile --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1 --schedule "$src/examples/schedules/ws_operand_tiles.sched" \
    --arch "$eyeriss" -o "$tmp/design4"
grep -q '"W": 36' "$tmp/design4/report.json" || { echo "FAIL: ws_operand_tiles' per-PE filter files hold 36 words"; fail=1; }
# Several loops per axis compile (lane tables; tests/sim/test_sim_general_mappings simulates them).
expect_ok compile --layer $small --schedule "$src/examples/schedules/tpu_im2col.sched" -o "$tmp/design2"
grep -q '"rows": 2' "$tmp/design2/report.json" || { echo "FAIL: tpu_im2col's rows (r x s, one channel) get lane tables of 2 dims"; fail=1; }
# A tensor that depends on some loops of an axis only (rows = k x c: the input ignores k, the
# output c): multicast and segmented reduction within the axis; lint clean.
expect_ok compile --layer conv:C=4,K=4,H=14,W=14,R=3,S=3,pad=1 --spatial 'K,C|X' -o "$tmp/design3"
grep -q '"rows": "multicast within the axis"' "$tmp/design3/report.json" ||
    { echo "FAIL: rows k x c multicast the input within the axis"; fail=1; }
lint_clean "$tmp/design3" "the within-axis design"
# The outputs bypassing every shared level: per-PE psum files drained straight to DRAM
# (hw::level(acc, "DRAM")); modelled and compiled (no output GLB; simulated in test_sim_dram_fed).
os_dram=$src/examples/schedules/os_outputs_to_dram.sched
expect_ok estimate --layer $small --schedule "$os_dram" --arch "$eyeriss" --json
python3 - "$tmp/out" <<'PY' || fail=1
import json, sys
levels = {(l["level"], l["tensor"]): l for l in json.load(open(sys.argv[1]))["levels"]}
assert ("GLB", "O") not in levels and ("RF", "O") in levels, sorted(levels)
assert levels[("DRAM", "O")]["writes"] == 32 * 14 * 14, levels[("DRAM", "O")]  # every output once
PY
expect_ok lower --layer $small --schedule "$os_dram"
grep -q "\[DRAM\] O tile 1x8x4x4: off chip" "$tmp/out" || { echo "FAIL: lower shows the output's tile as on chip"; fail=1; }
expect_ok compile --layer $small --schedule "$os_dram" --arch "$eyeriss" -o "$tmp/os_dram"
[ ! -e "$tmp/os_dram/rtl/tessera_output_glb.sv" ] || { echo "FAIL: outputs to DRAM: the design has an output GLB"; fail=1; }
lint_clean "$tmp/os_dram" "the outputs-to-DRAM design"
grep -v accumulator "$os_dram" >"$tmp/os_no_file.sched"
expect_error "the output keeps no on-chip tile" estimate --layer $small --schedule "$tmp/os_no_file.sched" --arch "$eyeriss"
sed -e 's/reorder(kf, s, r, ci, co, y, x, kq, n)/reorder(kf, s, r, ci, y, x, kq, co, n)/' "$os_dram" >"$tmp/os_co_outside.sched"
expect_error "drained inside reduction loop c.co" estimate --layer $small --schedule "$tmp/os_co_outside.sched" --arch "$eyeriss"
exit $fail
