#!/usr/bin/env bash
# Presets on what users bring: a pipelined array under the default os (Y,X|K: every conv fits,
# and a small one runs bit-exactly in RTL), several interconnects side by side, batched convs
# (the batch is tiled to fit the GLB), and network CSVs as other tools write them (gconv rows,
# a P_out the shape does not give).
set -u
tessera=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
source "$(dirname "$0")/../expect_error.sh"

# The default command on a systolic array: every ResNet-18 layer estimates.
"$tessera" estimate --network resnet18 --interconnect systolic >"$tmp/out" 2>&1 ||
    { echo "FAIL: resnet18 on systolic: $(tail -3 "$tmp/out")"; fail=1; }
# Side by side, each interconnect with its own preset mapping: no row is refused.
"$tessera" estimate --network resnet50 --layer CB2a_2 --interconnect broadcast,systolic,hybrid:4 >"$tmp/out" 2>&1 ||
    { echo "FAIL: three interconnects: $(cat "$tmp/out")"; fail=1; }
[ "$(grep -c '^CB2a_2 ' "$tmp/out")" -eq 3 ] && ! grep -q "does not fit" "$tmp/out" ||
    { echo "FAIL: three interconnects: $(cat "$tmp/out")"; fail=1; }
# A small conv under the default os on a 4x4 systolic array: bit-exact, counters and cycles equal.
"$tessera" compile --layer conv:C=8,K=12,H=9,W=9,R=3,S=3,pad=1 --array 4x4 --interconnect systolic \
    -o "$tmp/sys" >"$tmp/out" 2>&1 || { echo "FAIL: compile on systolic: $(cat "$tmp/out")"; fail=1; }
grep -q "rows y,x, cols k\|rows x, cols k" "$tmp/out" || { echo "FAIL: os on systolic is not Y,X|K: $(cat "$tmp/out")"; fail=1; }
"$tessera" simulate "$tmp/sys" >"$tmp/out" 2>&1 && grep -q "PASS: 1 layer" "$tmp/out" ||
    { echo "FAIL: simulate on systolic: $(tail -20 "$tmp/out")"; fail=1; }

# MobileNetV2 on a systolic array: the depthwise layers cannot run there (one line each, no
# config), the others compile into one design; a depthwise layer alone is remapped (1-D) and runs.
"$tessera" compile --network mobilenetv2 --interconnect systolic -o "$tmp/mb" >"$tmp/out" 2>&1 ||
    { echo "FAIL: mobilenetv2 on systolic: $(tail -3 "$tmp/out")"; fail=1; }
[ "$(grep -c 'does not fit the design: .*preloads I into each PE' "$tmp/out")" -eq 17 ] ||
    { echo "FAIL: mobilenetv2 on systolic: the 17 depthwise layers are not the ones reported: $(cat "$tmp/out")"; fail=1; }
grep -q "36 of 53 layer config" "$tmp/out" || { echo "FAIL: mobilenetv2 on systolic: $(tail -1 "$tmp/out")"; fail=1; }
"$tessera" compile --layer dwconv:C=8,H=6,W=6,R=3,S=3,pad=1 --array 4x4 --interconnect systolic -o "$tmp/dw" >"$tmp/out" 2>&1 &&
    grep -q "1 of 1 layer config" "$tmp/out" || { echo "FAIL: depthwise alone on systolic: $(cat "$tmp/out")"; fail=1; }
"$tessera" simulate "$tmp/dw" >"$tmp/out" 2>&1 && grep -q "PASS: 1 layer" "$tmp/out" ||
    { echo "FAIL: simulate depthwise on systolic: $(tail -20 "$tmp/out")"; fail=1; }

# Interstellar's batch-16 AlexNet conv1 fits the default GLB and Eyeriss's under every preset.
for arch in default eyeriss_16x16; do
    for df in os ws is rs; do
        "$tessera" estimate --layer conv:N=16,C=3,K=96,H=231,W=231,R=11,S=11,stride=4 --arch $arch \
            --dataflow $df >"$tmp/out" 2>&1 || { echo "FAIL: batch 16 $arch $df: $(tail -1 "$tmp/out")"; fail=1; }
    done
done

# ZigZag's grouped convs are `gconv`; SCALE-Sim's AlexNet states 55 outputs where 224, 11x11,
# stride 4 and no padding give 54.
header=network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs
printf '%s\n%s\n' "$header" "a,Op4,gconv,1,96,256,26,26,5,5,1,1,2,2,2,26,26,207667200" >"$tmp/g.csv"
"$tessera" estimate --network "$tmp/g.csv" >"$tmp/out" 2>&1 || { echo "FAIL: gconv: $(cat "$tmp/out")"; fail=1; }
printf '%s\n%s\n' "$header" "a,Conv1,conv,1,3,96,224,224,11,11,4,4,0,0,1,55,55,105415200" >"$tmp/s.csv"
expect_error "P_out column says 55 but H_in, R, stride_h and pad_h give 54" estimate --network "$tmp/s.csv"

# Layers of one name, or of names alike as file names, each get a config of their own.
printf '%s\n%s\n%s\n%s\n' "$header" "d,a,conv,1,4,8,8,8,3,3,1,1,1,1,1,8,8,18432" "d,a,conv,1,8,8,8,8,3,3,1,1,1,1,1,8,8,36864" \
    "d,a/b,conv,1,8,4,8,8,1,1,1,1,0,0,1,8,8,2048" >"$tmp/dup.csv"
"$tessera" compile --network "$tmp/dup.csv" --dataflow ws --array 4x4 -o "$tmp/dup" >"$tmp/out" 2>&1 ||
    { echo "FAIL: compile dup.csv: $(cat "$tmp/out")"; fail=1; }
[ "$(ls "$tmp/dup/config" 2>/dev/null | tr '\n' ' ')" = "a.json a_2.json a_b.json " ] ||
    { echo "FAIL: one config per layer: $(ls "$tmp/dup/config" 2>&1 | tr '\n' ' ')"; fail=1; }
exit $fail
