#!/usr/bin/env bash
# int32 outputs (y_int32: ONNX ConvInteger / MatMulInteger): a conv and an fc whose outputs are far
# outside int8 compile and simulate bit-exactly against Halide's int32 result, with counters and
# cycles equal to the model; --save writes int32 .npy; bad combinations get one line.
set -u
tessera=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
source "$(dirname "$0")/../expect_error.sh"
conv=conv:C=64,K=8,H=8,W=8,R=3,S=3,pad=1,bias=1,relu=0,y_int32=1
fc=fc:N=3,C=200,K=12,bias=0,relu=0,x_zero_point=5,w_zero_point=-3,y_int32=1
for layer in $conv $fc; do
    "$tessera" compile --layer "$layer" --dataflow ws --array 4x4 -o "$tmp/d" >/dev/null 2>"$tmp/err" ||
        { echo "FAIL: compile $layer: $(cat "$tmp/err")"; fail=1; continue; }
    "$tessera" simulate "$tmp/d" --save "$tmp/npy" >"$tmp/out" 2>&1 ||
        { echo "FAIL: simulate $layer: $(tail -30 "$tmp/out")"; fail=1; continue; }
    grep -q "PASS: 1 layer" "$tmp/out" || { echo "FAIL: $layer not PASS"; fail=1; }
    # The saved outputs are int32 and reach far beyond int8.
    python3 - "$tmp/npy" <<'PY' || fail=1
import ast, os, struct, sys
root = sys.argv[1]
for d in os.listdir(root):
    raw = open(os.path.join(root, d, "output.npy"), "rb").read()
    n = struct.unpack("<H", raw[8:10])[0]
    header = ast.literal_eval(raw[10:10 + n].decode())
    body = raw[10 + n:]
    values = struct.unpack("<%di" % (len(body) // 4), body)
    if header["descr"] != "<i4" or max(abs(v) for v in values) < 1000:
        print("FAIL: %s: %s, largest |value| %d" % (d, header["descr"], max(abs(v) for v in values)))
        sys.exit(1)
PY
    rm -rf "$tmp/d" "$tmp/npy"
done
expect_error "y_int32 outputs the accumulator unrequantized" lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,shift=4,y_int32=1
expect_error "y_int32 outputs the accumulator unrequantized" lower --layer fc:N=1,C=8,K=8,multiplier=3,shift=4,y_int32=1
expect_error "must be 0 or 1" lower --layer fc:N=1,C=8,K=8,y_int32=2
exit $fail
