#!/usr/bin/env bash
# The main job on a built-in default: ResNet-50 layer CB2a_2 (3x3, 64->64 channels, 56x56),
# weight stationary on a 16x16 array: schedule -> loop nest -> model -> RTL -> Verilator -> report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
layer=(--network resnet50 --layer CB2a_2 --dataflow ws --array 16x16)
out=out/demo_CB2a_2
echo
echo "== tessera lower ${layer[*]}"
build/tessera lower "${layer[@]}"
echo "== tessera estimate ${layer[*]}"
build/tessera estimate "${layer[@]}"
echo
echo "== tessera compile ${layer[*]} -o $out"
build/tessera compile "${layer[@]}" -o "$out"
echo
echo "== tessera simulate $out"
build/tessera simulate "$out"
