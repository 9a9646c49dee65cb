#!/usr/bin/env bash
# A user generator loaded from a plugin lowers with its own schedule() and its params.
set -eu
tessera=$1
plugin=$2
out=$("$tessera" lower --plugin "$plugin" --generator user_gemm -p M=24 -p N=20 -p K=36 --json)
echo "$out" | grep -q '"macs": 17280' || { echo "FAIL: macs"; echo "$out" | head -20; exit 1; }
echo "$out" | grep -q '"rows": 8' || { echo "FAIL: array rows"; exit 1; }
"$tessera" lower --plugin "$plugin" --generator user_gemm -p M=10 | grep -q "array 8x8" || { echo "FAIL: text"; exit 1; }
if "$tessera" lower --plugin /nonexistent.so --generator user_gemm 2>/dev/null; then echo "FAIL: bad plugin"; exit 1; fi
if "$tessera" lower --plugin "$plugin" --generator nope 2>/dev/null; then echo "FAIL: bad generator"; exit 1; fi
echo ok
