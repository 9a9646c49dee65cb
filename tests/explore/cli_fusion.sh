#!/usr/bin/env bash
# Fused groups from the command line (docs/fusion.md): one-line errors and a non-zero exit for a
# group that is not consecutive, a tile that does not fit, a producer computed at a loop that is
# not its consumer's; explore --fusion's JSON keys; a group's schedule text estimates as the preset.
set -u
tessera=$1
src=$2
fail=0
check() {
    local want=$1
    shift
    local err
    err=$("$tessera" "$@" 2>&1 >/dev/null)
    local code=$?
    local lines
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -eq 0 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -q "$want"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines (want '$want'): $err"
        fail=1
    fi
}
out=$(mktemp -d)
check "not consecutive" lower --network resnet18 --fuse 2..1
check "not consecutive" estimate --network resnet18 --fuse 6..7
check "does not fit GLB" estimate --network resnet18 --fuse 1..2 --tile 56x56
check "unknown overlap mode" estimate --network resnet18 --fuse 1..2 --overlap sometimes
check "ROWSxCOLS" lower --network fsrcnn --fuse 0..3 --tile 8xy
check "no layer 'nope'" lower --network fsrcnn --fuse nope..3
check "residual" lower --network fsrcnn --fuse 0..1 --residual
printf 'L1.split(y, yo, yi, 8).split(x, xo, xi, 8);\nL0.compute_at(L0, xo);\n' > "$out/bad.sched"
check "not the consumer's Func" lower --network fsrcnn --fuse 0..1 --schedule "$out/bad.sched"
check "needs --network" explore --fusion
# The number of cores is an architecture field ("cores"); --cores overrides it.
python3 - "$src/examples/arch/small_glb.json" "$out/two_cores.json" 2 <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["cores"] = int(sys.argv[3]); json.dump(a, open(sys.argv[2], "w"))
PY
python3 - "$src/examples/arch/small_glb.json" "$out/no_cores.json" 0 <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["cores"] = int(sys.argv[3]); json.dump(a, open(sys.argv[2], "w"))
PY
check "cores" estimate --network fsrcnn --fuse 0..1 --arch "$out/no_cores.json"
fz=(explore --fusion --network fsrcnn --objective cycles --json)  # cores shorten cycles, not energy
a=$("$tessera" "${fz[@]}" --arch "$out/two_cores.json" 2>/dev/null)
b=$("$tessera" "${fz[@]}" --arch "$src/examples/arch/small_glb.json" --cores 2 2>/dev/null)
c=$("$tessera" "${fz[@]}" --arch "$out/two_cores.json" --cores 1 2>/dev/null)
d=$("$tessera" "${fz[@]}" --arch "$src/examples/arch/small_glb.json" 2>/dev/null)
strip() { python3 -c "import json,sys; j=json.load(sys.stdin); j.pop('seconds', None); print(json.dumps(j, sort_keys=True))"; }
[ -n "$a" ] && [ "$(printf '%s' "$a" | strip)" = "$(printf '%s' "$b" | strip)" ] ||
    { echo "FAIL: \"cores\": 2 in the architecture differs from --cores 2"; fail=1; }
[ "$(printf '%s' "$a" | strip)" != "$(printf '%s' "$d" | strip)" ] ||
    { echo "FAIL: two cores give the same tuning as one"; fail=1; }
[ "$(printf '%s' "$c" | strip)" = "$(printf '%s' "$d" | strip)" ] ||
    { echo "FAIL: --cores 1 does not override the architecture's cores"; fail=1; }
check "must be 1..64" explore --fusion --network fsrcnn --cores 0

# The schedule text `lower` prints estimates exactly as the preset it came from.
"$tessera" lower --network fsrcnn --fuse map1..map4 --tile 16x32 --overlap cache-h > "$out/lower.txt" ||
    { echo "FAIL: lower --fuse"; fail=1; }
sed -n '/^# fused/,/^$/p' "$out/lower.txt" > "$out/group.sched"
a=$("$tessera" estimate --network fsrcnn --fuse map1..map4 --tile 16x32 --overlap cache-h --json | python3 -c "import json,sys; print(json.load(sys.stdin)['energy_pj'])")
b=$("$tessera" estimate --network fsrcnn --fuse map1..map4 --schedule "$out/group.sched" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['energy_pj'])")
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "FAIL: preset $a pJ, its schedule text $b pJ"; fail=1; }

# explore --fusion --json has the keys other tools read.
"$tessera" explore --network fsrcnn --fusion --json --svg "$out/f.svg" > "$out/f.json" 2>/dev/null ||
    { echo "FAIL: explore --fusion"; fail=1; }
python3 - "$out/f.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("groups", "layer_by_layer", "depth_first"):
    assert k in j, k
for g in j["groups"]:
    for k in ("layers", "tile", "overlap", "energy_pj", "cycles", "dram_words"):
        assert k in g, k
for side in ("layer_by_layer", "depth_first"):
    for k in ("energy_pj", "cycles", "dram_words"):
        assert k in j[side], (side, k)
assert j["depth_first"]["dram_words"] < j["layer_by_layer"]["dram_words"]
assert sum(len(g["layers"]) for g in j["groups"]) == 8
PY
grep -q "<svg" "$out/f.svg" || { echo "FAIL: no SVG"; fail=1; }

# A group of the file explore --fusion -o writes (several groups) estimates by its range; a range
# that is not one of its groups is named with the groups it has.
"$tessera" explore --network fsrcnn --fusion -o "$out/tuned.sched" > /dev/null 2>&1 || { echo "FAIL: explore -o"; fail=1; }
first=$(sed -n 's/^# fused group: \([^ ]*\) \.\. \([^,]*\),.*/\1..\2/p' "$out/tuned.sched" | head -1)
[ -n "$first" ] || { echo "FAIL: no fused group in the tuner's file"; fail=1; }
"$tessera" estimate --network fsrcnn --fuse "$first" --schedule "$out/tuned.sched" > /dev/null ||
    { echo "FAIL: estimate --fuse $first --schedule (the tuner's file)"; fail=1; }
check "has no fused group 0..7; its groups: $first" estimate --network fsrcnn --fuse 0..7 --schedule "$out/tuned.sched"
check "write the group as 'A..B'" lower --network fsrcnn --fuse all --schedule "$out/tuned.sched"
rm -rf "$out"
exit $fail
