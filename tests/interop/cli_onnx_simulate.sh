#!/usr/bin/env bash
# End to end: a small quantized CNN written by make_qcnn_e2e.py (python3-onnx's helper API; real
# int8 weights, int32 biases, per-tensor and per-channel scales, per-channel weight zero points,
# QLinearConv, a QDQ conv and QLinearMatMul) is compiled with `tessera compile --onnx` and run with `tessera simulate DIR
# --onnx model.onnx` on the generated RTL (Verilator): every layer must PASS (bit-exact with
# Halide's reference, counters equal to the model's), and the saved outputs must equal each
# layer's output computed with numpy from ONNX's definitions.
set -u
tessera=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python=/usr/bin/python3
[ -x "$python" ] || python=python3
"$python" "$src/tests/interop/make_qcnn_e2e.py" "$tmp/data" || { echo "FAIL: make_qcnn_e2e.py"; exit 1; }
model=$tmp/data/qcnn.onnx

# Bad quantized models: one line naming the node and the cause, exit 1.
"$python" "$src/tests/interop/make_qcnn_e2e.py" --bad "$tmp/bad" || { echo "FAIL: make_qcnn_e2e.py --bad"; exit 1; }
for case in "bad_wzp:conv_wzp (QLinearConv): w_zero_point has 3 values; per-channel zero points need one per output channel of W (4)" \
            "bad_axis:per-channel scales along axis 1; the output channels are axis 0" \
            "bad_bias:conv_fbias (Conv): the bias of a QDQ node must be a DequantizeLinear of an int32" \
            "bad_group_scales:w_scale has 4 values; give one, or one per output channel of W (2)"; do
    file=${case%%:*}
    want=${case#*:}
    err=$("$tessera" lower --onnx "$tmp/bad/$file.onnx" 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -ne 1 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -qF -- "$want"; then
        echo "FAIL: lower --onnx $file.onnx -> exit $code, $lines lines, wanted '$want': $err"
        exit 1
    fi
done
"$tessera" compile --onnx "$model" --dataflow os --array 4x4 -o "$tmp/design" >"$tmp/compile.log" 2>&1 ||
    { echo "FAIL: compile --onnx:"; cat "$tmp/compile.log"; exit 1; }
"$tessera" simulate "$tmp/design" --onnx "$model" --inputs "$tmp/data/inputs" --save "$tmp/run" \
    >"$tmp/sim.log" 2>&1
code=$?
cat "$tmp/sim.log"
[ $code -eq 0 ] || { echo "FAIL: simulate --onnx exited $code"; exit 1; }
for layer in qconv1 qconv2 qdq_conv3 qmatmul4 qdq_deconv5 qdq_deconv6 qdq_deconv7; do
    grep -E "^ *$layer\b.*PASS|$layer.*PASS" "$tmp/sim.log" >/dev/null ||
        { echo "FAIL: layer $layer did not PASS"; exit 1; }
done
"$python" "$src/tests/interop/make_qcnn_e2e.py" --check "$tmp/data" "$tmp/run" || exit 1
echo "PASS: simulate --onnx on the quantized CNN, bit-exact with ONNX's definitions"

# The model's first two layers (uint8 x, per-channel then per-tensor requantization) as one fused
# group in RTL, and explore's verified winner of an ONNX layer.
"$tessera" compile --onnx "$model" --fuse qconv1..qconv2 --tile 4x4 --overlap cache-h -o "$tmp/fused" \
    >"$tmp/fused.log" 2>&1 || { echo "FAIL: compile --onnx --fuse:"; cat "$tmp/fused.log"; exit 1; }
"$tessera" simulate "$tmp/fused" >"$tmp/fused_sim.log" 2>&1 ||
    { echo "FAIL: simulate of the fused ONNX group:"; cat "$tmp/fused_sim.log"; exit 1; }
grep -q "bit-exact" "$tmp/fused_sim.log" || { echo "FAIL: fused ONNX group not bit-exact"; exit 1; }
# The same group on the model's own weights and biases.
"$tessera" simulate "$tmp/fused" --onnx "$model" --json >"$tmp/fused_onnx.json" 2>"$tmp/fused_onnx.err" ||
    { echo "FAIL: simulate --onnx of the fused ONNX group:"; cat "$tmp/fused_onnx.json" "$tmp/fused_onnx.err"; exit 1; }
"$python" - "$tmp/fused_onnx.json" <<'PY' || exit 1
import json, sys
groups = json.load(open(sys.argv[1]))
g = groups[0]
if not (g["pass"] and g["bit_exact"] and g["counters_match"]) or sorted(g["given_weights"]) != ["qconv1", "qconv2"]:
    print("FAIL: fused simulate --onnx:", {k: g[k] for k in ("pass", "bit_exact", "counters_match", "given_weights")})
    sys.exit(1)
PY
"$tessera" explore --onnx "$model" --layer qconv2 --rtl-only --verify 1 --steps 2000 -o "$tmp/explore" \
    >"$tmp/explore.log" 2>&1 || { echo "FAIL: explore --onnx --verify 1:"; cat "$tmp/explore.log"; exit 1; }
grep -q "== verify rank 1: PASS" "$tmp/explore.log" || { echo "FAIL: explore --onnx --verify did not PASS"; exit 1; }
# The tuner's groups of the whole model: the fc layer (qmatmul4) is left out with a note.
"$tessera" explore --onnx "$model" --fusion -o "$tmp/tuned.sched" >/dev/null 2>&1 || { echo "FAIL: explore --onnx --fusion"; exit 1; }
"$tessera" compile --onnx "$model" --fuse all --schedule "$tmp/tuned.sched" -o "$tmp/all" >"$tmp/all.log" 2>&1 ||
    { echo "FAIL: compile --onnx --fuse all:"; cat "$tmp/all.log"; exit 1; }
grep -q "note: layer qmatmul4 is left out of the fused design" "$tmp/all.log" ||
    { echo "FAIL: compile --fuse all did not note the fc layer it leaves out:"; cat "$tmp/all.log"; exit 1; }
"$tessera" simulate "$tmp/all" >"$tmp/all_sim.log" 2>&1 || { echo "FAIL: simulate --fuse all:"; cat "$tmp/all_sim.log"; exit 1; }
echo "PASS: a fused quantized ONNX group, the tuner's groups of the model, and explore --onnx --verify in RTL"
