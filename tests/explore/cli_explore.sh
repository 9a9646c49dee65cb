#!/usr/bin/env bash
# tessera explore from the command line: bad input is one line on stderr and a non-zero exit; a
# winner written with -o estimates to the energy explore reported.
set -u
tessera=$1
src=$2
fail=0
layer=(--layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --steps 300 -j 2)
check() {
    local err
    err=$("$tessera" "$@" 2>&1 >/dev/null)
    local code=$?
    local lines
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -eq 0 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -q "error"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines: $err"
        fail=1
    fi
}
check explore "${layer[@]}" --objective power
check explore "${layer[@]}" --spatial 'C|C'
# Rows c x k on a systolic array: compile builds the wiring within an axis there too.
"$tessera" explore "${layer[@]}" --spatial 'C,K|Y' --rtl-only --arch "$src/examples/arch/systolic.json" -q \
    > /dev/null 2>&1 || { echo "FAIL: explore --spatial 'C,K|Y' --rtl-only on a systolic array"; fail=1; }
check explore "${layer[@]}" --spatial 'C|K|X'
check explore "${layer[@]}" --spatial 'G|K'  # an ungrouped conv has no g
# --verify ranks only mappings compile builds (as --rtl-only), says so, and verifies the winner.
vd=$(mktemp -d)
"$tessera" explore --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1 --steps 300 -j 2 --verify 1 -o "$vd" >"$vd/out" 2>"$vd/err" ||
    { echo "FAIL: explore --verify 1: $(tail -3 "$vd/err")"; fail=1; }
grep -q "== verify rank 1: PASS" "$vd/out" || { echo "FAIL: explore --verify 1 did not PASS"; fail=1; }
grep -q "note: --verify searches only the mappings compile generates RTL for" "$vd/err" ||
    { echo "FAIL: explore --verify does not say it searches only buildable mappings"; fail=1; }
rm -rf "$vd"
# --spatial takes the presets' letters (G, B included): a grouped conv's groups on the rows.
"$tessera" explore --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1,groups=2 --spatial 'G|K' --steps 200 -j 2 -q \
    > /dev/null 2>&1 || { echo "FAIL: explore --spatial 'G|K' on a grouped conv"; fail=1; }
check explore "${layer[@]}" --arch "$src/tests/explore/tiny_glb.json"
# No preset maps a depthwise layer on the systolic array (each reloads a preloaded operand too
# often): explore says there is no comparison instead of leaving the line out.
out=$("$tessera" explore --layer dwconv:C=8,H=8,W=8,R=3,S=3,pad=1 --arch "$src/examples/arch/systolic.json" \
    --steps 300 -j 2 -q 2>&1) || { echo "FAIL: explore of a depthwise layer on the systolic array: $out"; fail=1; }
printf '%s\n' "$out" | grep -q "^best preset: none of os, ws, is, rs maps the layer on systolic" ||
    { echo "FAIL: explore does not say that no preset maps the layer: $(printf '%s' "$out" | tail -1)"; fail=1; }
# --mpi is refused in one line only when this tessera has no MPI (tests/explore/mpi_explore.sh otherwise).
if "$tessera" explore --help | tr -s " \n" " " | grep -q "not built into this tessera"; then check explore "${layer[@]}" --mpi; fi
check explore --generator tessera_conv2d --steps 300 --verify 1  # compile takes no --schedule with --generator
check explore "${layer[@]}" --search sometimes
check explore "${layer[@]}" --restarts 0
check explore "${layer[@]}" --verify -1
check explore "${layer[@]}" --rf-order k,c
check explore "${layer[@]}" --dataflow ws
check explore "${layer[@]}" --sweep-rf 64,12Q
check explore "${layer[@]}" --sweep-array 8x8
check explore "${layer[@]}" --sweep-array 16by16
check explore "${layer[@]}" --sweep-glb 64K --arch "$src/tests/explore/tiny_glb.json" --sweep-rf 0
# The sweep's best design, written with -o, is an architecture the other commands accept.
sw=$(mktemp -d)
"$tessera" explore "${layer[@]}" --arch interstellar_baseline --sweep-rf 32,512 --sweep-glb 64K --json -o "$sw" \
    > "$sw/sweep.json" || { echo "FAIL: explore --sweep"; fail=1; }
python3 - "$sw/sweep.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["designs"]) == 3, j["designs"]
assert j["best"]["energy_pj"] <= j["baseline"]["energy_pj"], j
assert j["energy_factor"] >= 1.0, j
PY
"$tessera" estimate --layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --arch "$sw/arch.json" --schedule "$sw"/*.sched \
    > /dev/null || { echo "FAIL: the sweep's design and winner do not estimate"; fail=1; }
rm -rf "$sw"
out=$(mktemp -d)
"$tessera" explore "${layer[@]}" --json -o "$out" > "$out/result.json" || { echo "FAIL: explore"; fail=1; }
want=$(python3 -c "import json,sys; print('%.6g' % json.load(open('$out/result.json'))['best']['energy_pj'])")
got=$("$tessera" estimate --layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --schedule "$out"/*.sched --json |
      python3 -c "import json,sys; print('%.6g' % json.load(sys.stdin)['energy_pj'])")
[ "$want" = "$got" ] || { echo "FAIL: explore's best $want pJ, estimate of its schedule $got pJ"; fail=1; }
[ -f "$out/arch.json" ] || { echo "FAIL: no arch.json"; fail=1; }
python3 -c "import json; j = json.load(open('$out/result.json')); assert 0 < j['floor_pj'] <= j['best']['energy_pj'], j" ||
    { echo "FAIL: --json's floor_pj is missing or above the best mapping"; fail=1; }
rm -rf "$out"
# The table names the floor; beside the best preset, the most any mapping could gain.
text=$("$tessera" explore "${layer[@]}" 2>/dev/null)
printf '%s\n' "$text" | grep -q "energy floor (no mapping on default goes below it): [0-9]* pJ" ||
    { echo "FAIL: no energy floor line: $text"; fail=1; }
printf '%s\n' "$text" | grep -q "x less energy (the floor allows [0-9.]*x)" ||
    { echo "FAIL: no floor beside the best preset: $text"; fail=1; }
# The written winner lowers as searched (docs/explore.md, "Tails": a winner whose tail tiles
# Halide bounds more widely is replaced, tests/explore/test_explore_round_trip), so estimate of
# its schedule gives explore's figure exactly; on a ResNet-50 layer with tails (7x7 outputs).
out=$(mktemp -d)
layer=CB5a_2
"$tessera" explore --network resnet50 --layer "$layer" -j 2 --json -o "$out" > "$out/result.json" 2> "$out/err" ||
    { echo "FAIL: explore $layer: $(cat "$out/err")"; fail=1; }
want=$(python3 -c "import json,sys; print('%.9g' % json.load(open('$out/result.json'))['best']['energy_pj'])")
got=$("$tessera" estimate --network resnet50 --layer "$layer" --schedule "$out" --json |
      python3 -c "import json,sys; print('%.9g' % json.load(sys.stdin)['energy_pj'])")
[ "$want" = "$got" ] || { echo "FAIL: $layer: explore's best $want pJ, estimate of its schedule $got pJ"; fail=1; }
rm -rf "$out"
exit $fail
