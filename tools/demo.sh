#!/usr/bin/env bash
# The main job on a built-in default: ResNet-50 layer CB2a_2 (3x3, 64->64 channels, 56x56) on the
# default 16x16 architecture: explore the mappings (restricted to those compile generates RTL for)
# -> the winner's loop nest -> model -> RTL -> Verilator -> report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
layer=(--network resnet50 --layer CB2a_2)
out=out/demo_CB2a_2
winner=$out/explore/CB2a_2.sched
echo
echo "== tessera explore ${layer[*]} --rtl-only -o $out/explore"
build/tessera explore "${layer[@]}" --rtl-only -o "$out/explore"
echo
echo "== tessera lower ${layer[*]} --schedule $winner"
build/tessera lower "${layer[@]}" --schedule "$winner"
echo "== tessera estimate ${layer[*]} --schedule $winner"
build/tessera estimate "${layer[@]}" --schedule "$winner"
echo
echo "== tessera compile ${layer[*]} --schedule $winner -o $out"
build/tessera compile "${layer[@]}" --schedule "$winner" -o "$out"
echo
echo "== tessera simulate $out"
build/tessera simulate "$out"
