#!/usr/bin/env bash
# A network through explore --rtl-only -> compile --schedule DIR -> simulate: the winners of every
# layer run on one design (docs/explore.md, "One design for a network"), bit-exact in Verilator
# with counters equal to the model.
set -u
tessera=$1
src=$2
fail=0
net=$src/tests/explore/tiny_network.csv
arch=$src/tests/explore/array_4x4.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tessera" explore --network "$net" --arch "$arch" --rtl-only --steps 300 -j 2 -q -o "$out/w" > "$out/explore.txt" ||
    { echo "FAIL: explore"; cat "$out/explore.txt"; exit 1; }
grep -q "^one design for every layer" "$out/explore.txt" || { echo "FAIL: no one-design line"; fail=1; }
for l in conv3x3 conv1x1_s2 fc; do [ -f "$out/w/$l.sched" ] || { echo "FAIL: no winner for $l"; fail=1; }; done
"$tessera" compile --network "$net" --arch "$out/w/arch.json" --schedule "$out/w" -o "$out/d" > "$out/compile.txt" ||
    { echo "FAIL: compile"; cat "$out/compile.txt"; exit 1; }
grep -q "3 of 3 layer config(s)" "$out/compile.txt" || { echo "FAIL: not one design:"; cat "$out/compile.txt"; fail=1; }
"$tessera" simulate "$out/d" > "$out/simulate.txt" 2>&1 || { echo "FAIL: simulate"; tail -20 "$out/simulate.txt"; fail=1; }
grep -q "^PASS: 3 layer(s)" "$out/simulate.txt" || { echo "FAIL: not every layer passed"; fail=1; }
# A GLB the design's buffers (each sized for its tensor's largest tile) would overflow: explore
# splits it per tensor, the layers fit their partitions, and the compiled design fits the GLB.
# (--no-bypass: every tensor keeps a GLB tile; on this GLB the winners otherwise drain their
# outputs straight to DRAM and keep no output buffer to split.)
small=$src/tests/explore/array_4x4_glb384.json
# --verify compiles each winner on the split GLB too.
"$tessera" explore --network "$net" --arch "$small" --rtl-only --no-bypass --steps 300 -j 2 -q --verify 1 -o "$out/p" > "$out/explore_p.txt" 2> "$out/explore_p.err" ||
    { echo "FAIL: explore on a 384 B GLB"; cat "$out/explore_p.txt"; exit 1; }
[ "$(grep -c "^== verify rank 1: PASS" "$out/explore_p.txt")" -eq 3 ] || { echo "FAIL: --verify on the split GLB"; fail=1; }
grep -q '"tensor_bytes"' "$out/p/verify_arch.json" || { echo "FAIL: --verify did not compile on the split GLB"; fail=1; }
rm -rf "$out/p/verify"
! grep -l 'hw::level(acc, "DRAM")' "$out"/p/*.sched >/dev/null || { echo "FAIL: --no-bypass wrote a winner whose output bypasses the GLB"; fail=1; }
grep -q "would overflow the level: GLB split I [0-9]* B, W [0-9]* B, O [0-9]* B" "$out/explore_p.txt" ||
    { echo "FAIL: no split GLB:"; cat "$out/explore_p.txt"; fail=1; }
grep -q '"tensor_bytes"' "$out/p/arch.json" || { echo "FAIL: arch.json has no partitions"; fail=1; }
# --json carries the one design: its wiring, the split and the split architecture.
"$tessera" explore --network "$net" --arch "$small" --rtl-only --no-bypass --steps 300 -j 2 -q --json > "$out/p.json" ||
    { echo "FAIL: explore --json"; fail=1; }
python3 - "$out/p.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
d = j["design"]
ok = len(j["layers"]) == 3 and d["wiring"] and d["split"].startswith("GLB split")
ok = ok and any("tensor_bytes" in l for l in d["architecture"]["levels"])
if not ok:
    print("FAIL: explore --json's design:", json.dumps(d)[:300])
    sys.exit(1)
PY
"$tessera" compile --network "$net" --arch "$out/p/arch.json" --schedule "$out/p" -o "$out/dp" > "$out/compile_p.txt" 2>&1 ||
    { echo "FAIL: compile on the split GLB"; cat "$out/compile_p.txt"; exit 1; }
if grep -q "note: the design's" "$out/compile_p.txt"; then echo "FAIL: the design overflows:"; cat "$out/compile_p.txt"; fail=1; fi
"$tessera" simulate "$out/dp" > "$out/simulate_p.txt" 2>&1 || { echo "FAIL: simulate (split GLB)"; tail -20 "$out/simulate_p.txt"; fail=1; }
grep -q "^PASS: 3 layer(s)" "$out/simulate_p.txt" || { echo "FAIL: not every layer passed (split GLB)"; fail=1; }
# A design whose lane groups fix an axis's lanes (rows r x s with the weights on some of those
# loops only): the layers searched again on it keep their loops there within its lanes, so the
# candidates settle (before, every candidate of this network was dropped and explore stopped with
# "no one design runs every layer"). Layer L2's winner lowers through Halide to other counts (a
# reduction tail): explore reports the figures of the schedule it writes, which estimate gives.
lanes=$src/tests/explore/lane_groups_network.csv
"$tessera" explore --network "$lanes" --arch eyeriss_like --objective edp --rtl-only --steps 1000 --seed 9 -j 2 -q \
    --json -o "$out/lg" > "$out/lg.json" 2> "$out/lg.err" || { echo "FAIL: explore (lane groups)"; cat "$out/lg.err"; exit 1; }
"$tessera" compile --network "$lanes" --arch "$out/lg/arch.json" --schedule "$out/lg" -o "$out/lgd" > "$out/lgd.txt" 2>&1 ||
    { echo "FAIL: compile (lane groups)"; cat "$out/lgd.txt"; exit 1; }
grep -q "3 of 3 layer config(s)" "$out/lgd.txt" || { echo "FAIL: lane groups, not one design:"; cat "$out/lgd.txt"; fail=1; }
for l in L0 L1 L2; do
    "$tessera" estimate --network "$lanes" --layer $l --arch "$out/lg/arch.json" --schedule "$out/lg" --json > "$out/lg_$l.json" ||
        { echo "FAIL: estimate $l"; fail=1; }
done
python3 - "$out" <<'PY' || fail=1
import json, sys
out = sys.argv[1]
j = json.load(open(out + "/lg.json"))
bad = []
for l in j["layers"]:
    e = json.load(open(f"{out}/lg_{l['layer']}.json"))
    if e["cycles"] != l["best"]["cycles"] or abs(e["energy_pj"] - l["best"]["energy_pj"]) > 1e-6 * e["energy_pj"]:
        bad.append((l["layer"], l["best"]["cycles"], e["cycles"]))
if bad or j["design"]["cycles"] != sum(l["best"]["cycles"] for l in j["layers"]):
    print("FAIL: explore's figures differ from the written schedules' (layer, explore, estimate):", bad)
    sys.exit(1)
PY
# A 1x1 conv, a 7x7 depthwise conv and an fc: no layer's winner is wired so that the others have
# a mapping on it (the fc lacks y and x, the depthwise layer c); explore then tries the wirings of
# the layers' other spatial choices and finds one (before: "no one design runs every layer").
mixed=$src/tests/explore/no_common_wiring_network.csv
"$tessera" explore --network "$mixed" --arch hybrid_4 --rtl-only --steps 1000 --seed 38 -j 2 -q -o "$out/mx" > "$out/mx.txt" 2>&1 ||
    { echo "FAIL: explore (no common winner wiring)"; cat "$out/mx.txt"; exit 1; }
"$tessera" compile --network "$mixed" --arch "$out/mx/arch.json" --schedule "$out/mx" -o "$out/mxd" > "$out/mxd.txt" 2>&1 ||
    { echo "FAIL: compile (no common winner wiring)"; cat "$out/mxd.txt"; exit 1; }
"$tessera" simulate "$out/mxd" > "$out/mxs.txt" 2>&1 || { echo "FAIL: simulate (no common winner wiring)"; tail -20 "$out/mxs.txt"; fail=1; }
grep -q "^PASS: 3 layer(s)" "$out/mxs.txt" || { echo "FAIL: not every layer passed (no common winner wiring)"; fail=1; }
# An fc beside a 1x1 depthwise conv: no wiring serves both (the fc's dims index its input and
# weights, or its weights and output; each depthwise dim indexes its input and output). One line
# naming the two layers, exit 1.
err=$("$tessera" explore --network "$src/tests/explore/no_design_network.csv" --arch double_buffered --rtl-only \
      --steps 300 -j 2 -q 2>&1 >/dev/null)
code=$?
if [ $code -ne 1 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || ! printf '%s' "$err" | grep -q "both layers fc58 and dw1x1"; then
    echo "FAIL: no common wiring -> exit $code: $err"
    fail=1
fi
# A schedule directory without a layer's file: one line naming the file.
rm "$out/w/fc.sched"
err=$("$tessera" compile --network "$net" --arch "$out/w/arch.json" --schedule "$out/w" -o "$out/d2" 2>&1 >/dev/null)
code=$?
if [ $code -eq 0 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || ! printf '%s' "$err" | grep -q "fc.sched"; then
    echo "FAIL: missing schedule -> exit $code: $err"
    fail=1
fi
exit $fail
