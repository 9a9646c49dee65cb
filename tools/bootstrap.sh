#!/usr/bin/env bash
# Installs the Debian packages Tessera needs (only those missing), then configures and builds
# it (Release, all cores) into ./build. Used by tools/demo.sh and tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make g++ libhalide14-0-dev verilator yosys libboost-program-options-dev catch2
          nlohmann-json3-dev iverilog
          # ONNX import (--onnx) and its tests: optional at build time, installed here so CI has them
          libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx libonnx-testdata
          # explore --mpi and its test (mpirun): optional at build time
          libboost-mpi-dev libopenmpi-dev openmpi-bin
          # Timeloop mapping / YAML architecture files (--timeloop-mapping, --emit timeloop): optional too
          libyaml-cpp-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building (Release, $(nproc) cores)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" 2>&1 | grep -E "error|warning: unused|Error" || true
test -x build/tessera
