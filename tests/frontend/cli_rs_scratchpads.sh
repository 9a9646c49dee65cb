#!/usr/bin/env bash
# The per-layer presets of issue 9's two example mappings: `--dataflow rs` on an architecture with
# per-tensor scratchpads (eyeriss_rs.sched's form, sized per layer) and TPU's im2col
# (`--spatial 'C,FY,FX|K' --dataflow ws`, tpu_im2col.sched's form). Each runs a network of every
# kind of ResNet layer (7x7 stride 2 on C=3, 3x3, 3x3 stride 2, 1x1 stride 2, fc) on ONE design,
# bit-exact with counters and cycles equal to the model; bad requests get one line.
set -u
tessera=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
net=$src/tests/frontend/rs_network.csv
arch=$src/tests/frontend/eyeriss_4x4.json
eyeriss=$src/examples/arch/eyeriss_16x16.json

source "$(dirname "$0")/../expect_error.sh"
run() { "$tessera" "$@" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: tessera $*: $(cat "$tmp/err")"; fail=1; }; }

for preset in rs im2col; do
    if [ $preset = rs ]; then opts=(--dataflow rs); else opts=(--spatial 'C,FY,FX|K' --dataflow ws); fi
    run compile --network "$net" --arch "$arch" "${opts[@]}" -o "$tmp/$preset"
    grep -q "5 of 5 layer config" "$tmp/out" || { echo "FAIL: $preset: one design for all 5 layers: $(cat "$tmp/out")"; fail=1; }
    run simulate "$tmp/$preset" -j 2
    grep -q "PASS: 5 layer(s)" "$tmp/out" || { echo "FAIL: $preset simulate: $(tail -20 "$tmp/out") $(cat "$tmp/err")"; fail=1; }
done
# rs keeps its tiles in the scratchpads: per-PE tiles for I, W and O.
run compile --layer conv:C=8,K=12,H=9,W=9,R=3,S=3,pad=1 --arch "$arch" --dataflow rs -o "$tmp/one"
grep -q 'hw::level(ifmap_rf, \\"RF\\")' "$tmp/one/report.json" || { echo "FAIL: rs preset without an ifmap scratchpad tile"; fail=1; }
# On eyeriss_16x16 the issue's conv costs well under the 18.8 pJ/MAC of the scratchpad-less presets.
run estimate --layer conv:C=256,K=256,H=58,W=58,R=3,S=3,pad=0 --arch "$eyeriss" --dataflow rs
pj=$(grep '^total energy' "$tmp/out" | grep -oE '[0-9.]+ pJ/MAC' | cut -d' ' -f1)
awk -v pj="$pj" 'BEGIN { exit !(pj > 5 && pj < 14) }' || { echo "FAIL: rs with scratchpads at $pj pJ/MAC"; fail=1; }

# Bad requests.
expect_error "drop --spatial" estimate --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --arch "$arch" --dataflow rs --spatial 'C|K'
# A grouped or depthwise conv takes the plain rs preset (FY|Y, no per-PE tiles) on the same architecture.
for layer in conv:C=8,K=8,H=8,W=8,R=3,S=3,groups=2 dwconv:C=8,H=8,W=8,R=3,S=3; do
    "$tessera" estimate --layer $layer --arch "$arch" --dataflow rs >"$tmp/out" 2>&1 ||
        { echo "FAIL: $layer under rs: $(cat "$tmp/out")"; fail=1; }
done
sed 's/"I": 12/"I": 2/' "$arch" >"$tmp/tiny_spad.json"
expect_error "larger I scratchpad" estimate --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --arch "$tmp/tiny_spad.json" --dataflow rs
sed 's/"size_bytes": 8192/"size_bytes": 340/' "$arch" >"$tmp/tiny_glb.json"
expect_error "larger GLB" estimate --layer conv:C=8,K=16,H=8,W=8,R=3,S=3 --arch "$tmp/tiny_glb.json" --dataflow rs
exit $fail
