#!/usr/bin/env bash
# Timeloop and MAESTRO mappings through the CLI: the examples lower and estimate; --emit timeloop
# then --timeloop-mapping gives the same nest; --emit maestro reads back; bad mappings and bad
# flag combinations exit non-zero with one line naming the cause.
set -u
tessera=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
layer=conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1

source "$(dirname "$0")/../expect_error.sh"
expect_ok() {
    "$tessera" "$@" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: tessera $*: $(cat "$tmp/err")"; fail=1; }
}

# Timeloop: the examples, and a round trip through --emit timeloop.
expect_ok lower --layer $layer --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
grep -q "array 16x16" "$tmp/out" || { echo "FAIL: os_16x16 is a 16x16 array"; fail=1; }
cp "$tmp/out" "$tmp/os.nest"
expect_ok lower --layer $layer --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml" --emit timeloop
cp "$tmp/out" "$tmp/os.yaml"
grep -q "type: spatial" "$tmp/os.yaml" || { echo "FAIL: --emit timeloop writes the spatial entry"; fail=1; }
expect_ok lower --layer $layer --timeloop-mapping "$tmp/os.yaml"
diff <(grep -v '^layer' "$tmp/os.nest" | sed 's/(.*)$//') <(grep -v '^layer' "$tmp/out" | sed 's/(.*)$//') >/dev/null \
    || { echo "FAIL: os_16x16 -> --emit timeloop -> --timeloop-mapping changed the nest"; fail=1; }
expect_ok lower --timeloop-problem "$src/examples/timeloop/conv3x3_56.yaml" --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
grep -q "H=58 W=58" "$tmp/out" || { echo "FAIL: --timeloop-problem is the layer"; fail=1; }
expect_error "--timeloop-problem is the layer: give it without --layer" lower --layer $layer \
    --timeloop-problem "$src/examples/timeloop/conv3x3_56.yaml" --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
# timeloop-mapper 0.4's output form (C1 M4 factors, datatype entries, list forms) reads as the same nest.
expect_ok lower --layer $layer --timeloop-mapping "$src/tests/interop/timeloop_v04_os_16x16.yaml"
diff <(grep -v '^layer' "$tmp/os.nest") <(grep -v '^layer' "$tmp/out") >/dev/null \
    || { echo "FAIL: the 0.4 form of os_16x16 gives another nest"; fail=1; }
# A processed 0.4 problem (H W pads densities, groups) is the layer under any schedule source.
expect_ok lower --timeloop-problem "$src/tests/interop/timeloop_v04_problem.yaml" --dataflow ws
grep -q "C=64 K=64 H=58 W=58 R=3 S=3 stride=1 pad=0 groups=2" "$tmp/out" || { echo "FAIL: the 0.4 problem is a grouped conv, C and M per group: $(head -1 "$tmp/out")"; fail=1; }
sed 's/densities: {}/densities: {Weights: 0.5}/' "$src/tests/interop/timeloop_v04_problem.yaml" > "$tmp/sparse.yaml"
expect_error "densities (a sparse workload) are not modelled" lower --timeloop-problem "$tmp/sparse.yaml" --dataflow ws
expect_ok estimate --arch eyeriss_16x16 --timeloop-mapping "$src/examples/timeloop/eyeriss_rs.yaml"
grep -q "pJ/MAC" "$tmp/out" || { echo "FAIL: eyeriss_rs.yaml estimates"; fail=1; }
expect_ok lower --network resnet50 --layer CB2a_2 --dataflow ws --emit timeloop
cp "$tmp/out" "$tmp/ws.yaml"
expect_ok estimate --network resnet50 --layer CB2a_2 --timeloop-mapping "$tmp/ws.yaml"
expect_ok lower --layer $layer --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml" --emit schedule
grep -q "hw::array(acc, y, x);" "$tmp/out" || { echo "FAIL: --emit schedule prints the schedule text"; fail=1; }

# An architecture file in YAML estimates exactly as its JSON twin.
expect_ok estimate --arch "$src/examples/arch/eyeriss_16x16.yaml" --timeloop-mapping "$src/examples/timeloop/eyeriss_rs.yaml"
grep -E "total energy|cycles" "$tmp/out" > "$tmp/yaml.est"
expect_ok estimate --arch "$src/examples/arch/eyeriss_16x16.json" --timeloop-mapping "$src/examples/timeloop/eyeriss_rs.yaml"
grep -E "total energy|cycles" "$tmp/out" | diff - "$tmp/yaml.est" >/dev/null || { echo "FAIL: YAML and JSON architectures differ"; fail=1; }
printf 'name: x\narray: {rows: 4, cols: [\n' > "$tmp/bad_arch.yaml"
expect_error "malformed YAML at line" estimate --layer $layer --arch "$tmp/bad_arch.yaml"

# MAESTRO: the three examples, and --emit maestro read back.
for m in nvdla_kcp eyeriss_yrp shidiannao_yxp; do
    expect_ok estimate --maestro-mapping "$src/examples/maestro/$m.m"
    expect_ok lower --maestro-mapping "$src/examples/maestro/$m.m" --emit maestro
    cp "$tmp/out" "$tmp/$m.m"
    expect_ok lower --layer conv:C=16,K=32,H=18,W=18,R=3,S=3 --maestro-mapping "$tmp/$m.m"
done

# Errors: one line each.
printf 'mapping:\n  - target: DRAM\n    type: temporal\n    factors: C=3 M=4 P=4 Q=4\n' > "$tmp/bad_factors.yaml"
expect_error "the factors of" lower --layer $layer --timeloop-mapping "$tmp/bad_factors.yaml"
printf 'mapping: [ {target: DRAM\n' > "$tmp/malformed.yaml"
expect_error "malformed YAML" lower --layer $layer --timeloop-mapping "$tmp/malformed.yaml"
expect_error "cannot read" lower --layer $layer --timeloop-mapping "$tmp/missing.yaml"
expect_error "is a directory" lower --layer $layer --timeloop-mapping "$tmp"
expect_error "is a directory" lower --layer $layer --maestro-mapping "$tmp"
expect_error "cannot read" lower --layer $layer --maestro-mapping "$tmp/missing.m"
printf 'Layer L {\nDataflow {\n  SpatialMap(1,1) K\n}\n}\n' > "$tmp/bad.m"
expect_error "bad.m:4: expected ';'" lower --layer $layer --maestro-mapping "$tmp/bad.m"
expect_error "give one schedule" lower --layer $layer --dataflow os --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
expect_error "give one schedule" lower --layer $layer --maestro-mapping "$src/examples/maestro/nvdla_kcp.m" \
    --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
expect_error "unknown format" lower --layer $layer --emit dot
expect_error "explore searches the schedule" explore --layer $layer --timeloop-mapping "$src/examples/timeloop/os_16x16.yaml"
expect_error "an array axis with several loops" lower --layer $layer --spatial 'C,FX|X' --emit maestro

# A network file in MAESTRO's own style (maestro/small_net.m): --network runs every CONV/DSCONV
# layer with its directives, and the TRCONV as its sub-pixel conv; a stride re-derives the sliding
# offsets as MAESTRO does; a DSCONV's C is the channel dim; a chunk larger than the input is all of
# it; 32 PEs as 1-D lanes fill 4x8.
net=$src/tests/interop/maestro/small_net.m
"$tessera" estimate --network "$net" --maestro-mapping "$net" --array 4x8 >"$tmp/out" 2>"$tmp/err" ||
    { echo "FAIL: estimate --network small_net.m: $(cat "$tmp/err")"; fail=1; }
for l in conv1 dw2 pool3 up4; do grep -q "^$l " "$tmp/out" || { echo "FAIL: small_net.m's $l estimates"; fail=1; }; done
# up4: a 2x2 stride-2 transposed conv of 16 -> 8 channels on 2x2 inputs: 32 channels of one tap.
expect_ok lower --network "$net" --layer up4 --maestro-mapping "$net" --array 4x8
grep -q "(conv N=1 C=16 K=32 H=2 W=2 R=1 S=1 stride=1 pad=0): 2,048 MACs" "$tmp/out" ||
    { echo "FAIL: the TRCONV up4 is its sub-pixel conv: $(head -1 "$tmp/out")"; fail=1; }
expect_ok lower --network "$net" --layer dw2 --maestro-mapping "$net" --array 4x8
grep -q "array 4x8" "$tmp/out" || { echo "FAIL: dw2's 32 channel lanes fold onto 4x8: $(grep array "$tmp/out")"; fail=1; }
expect_ok lower --network "$net" --layer conv1 --maestro-mapping "$net" --array 4x8
grep -q "y in \[0:8)" "$tmp/out" || { echo "FAIL: conv1's stride-2 rows step one output each"; fail=1; }
expect_error "holds 4 layers; give --network" estimate --maestro-mapping "$net"
# A GEMM with Constants (MAESTRO's BLAS files): an fc of M rows, K inputs, N outputs.
expect_ok lower --maestro-mapping "$src/tests/interop/maestro/gemm.m" --array 4x8
grep -q "(fc N=8 C=32 K=16)" "$tmp/out" && grep -q "array 4x8" "$tmp/out" ||
    { echo "FAIL: gemm.m is an fc on 4x8: $(head -3 "$tmp/out")"; fail=1; }
printf 'Layer c { Type: CONV\nDimensions { K: 64, C: 3, R: 3, S: 3, Y: 8, X: 8 }\nDataflow { SpatialMap(1,1) K;\nCluster(3, P);\nSpatialMap(1,1) C; } }\n' >"$tmp/c3.m"
expect_error "MAESTRO's 16 PEs as 5 clusters of 3 put 5x3 of them to work, more than the 4x4 array has; give --array 5x3" \
    estimate --maestro-mapping "$tmp/c3.m" --array 4x4

# Timeloop architecture files (v0.3 tree, v0.4 nodes with an Accelergy ERT): estimate, explore, and
# a Timeloop mapping on its Timeloop architecture through compile and simulate.
tl_arch=$src/examples/timeloop/arch_simple_ws_v04.yaml
small=conv:C=16,K=16,H=14,W=14,R=3,S=3,pad=1
expect_ok estimate --arch "$src/examples/timeloop/arch_eyeriss_16x16.yaml" --layer $small --dataflow rs
grep -q "on arch_eyeriss_16x16 (16x16 PEs" "$tmp/out" || { echo "FAIL: v0.3 architecture's array"; fail=1; }
expect_ok estimate --arch "$tl_arch" --layer $small --dataflow ws
grep -q "^GlobalBuffer" "$tmp/out" || { echo "FAIL: presets tile for the v0.4 GlobalBuffer"; fail=1; }
expect_ok explore --arch "$tl_arch" --layer $small --steps 300 --chains 2 -j 1
expect_ok compile --arch "$tl_arch" --layer $small --timeloop-mapping "$src/examples/timeloop/ws_simple_v04.yaml" -o "$tmp/tl_design"
expect_ok simulate "$tmp/tl_design"
grep -q "PASS: 1 layer" "$tmp/out" || { echo "FAIL: the Timeloop mapping on its Timeloop architecture in RTL: $(tail -3 "$tmp/out")"; fail=1; }
printf 'architecture:\n  version: 0.3\n  subtree:\n  - name: sys\n    local:\n    - {name: DRAM, class: DRAM}\n' >"$tmp/bad_arch.yaml"
expect_error "no compute component" estimate --arch "$tmp/bad_arch.yaml" --layer $small

[ $fail -eq 0 ] && echo "cli_mappings: all passed"
exit $fail
