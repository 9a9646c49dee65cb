#!/usr/bin/env bash
# The main job on a built-in default: ResNet-50 layer CB2a_2, weight stationary on a 16x16 array.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
layer=(--network resnet50 --layer CB2a_2 --dataflow ws --array 16x16)
echo "== tessera lower ${layer[*]}"
build/tessera lower "${layer[@]}"
echo "== tessera estimate ${layer[*]}"
build/tessera estimate "${layer[@]}"
