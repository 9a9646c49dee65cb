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
# A schedule directory without a layer's file: one line naming the file.
rm "$out/w/fc.sched"
err=$("$tessera" compile --network "$net" --arch "$out/w/arch.json" --schedule "$out/w" -o "$out/d2" 2>&1 >/dev/null)
code=$?
if [ $code -eq 0 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || ! printf '%s' "$err" | grep -q "fc.sched"; then
    echo "FAIL: missing schedule -> exit $code: $err"
    fail=1
fi
exit $fail
