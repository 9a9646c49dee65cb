#!/usr/bin/env bash
# Hostile ONNX models: the test models of tests/interop (make_models.py, make_qcnn_e2e.py) and
# ONNX's ConvTranspose / QLinear node tests, mutated (mutate_onnx.py); `tessera lower --onnx` of
# each must import it (exit 0) or stop with one line (exit 1) -- never a crash, a hang or a raw
# exception. Usage: fuzz_onnx.sh TESSERA SRC [COUNT] [SEED]; failing models are kept and named.
set -u
tessera=$1
src=$2
count=${3:-150}
seed=${4:-1}
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp=$(mktemp -d)
keep=${TMPDIR:-/tmp}/tessera_fuzz_onnx_failures
"$python" "$src/tests/interop/make_models.py" "$tmp" >/dev/null || { echo "FAIL: make_models.py"; exit 1; }
"$python" "$src/tests/interop/make_qcnn_e2e.py" "$tmp/qcnn" >/dev/null || { echo "FAIL: make_qcnn_e2e.py"; exit 1; }
sources=("$tmp/conv1d.onnx" "$tmp/flatten_dynamic.onnx" "$tmp/fsrcnn.onnx" "$tmp/qdq_constants.onnx"
         "$tmp/small_qcnn.onnx" "$tmp/symbolic_batch.onnx" "$tmp/gemm_broadcast.onnx" "$tmp/qcnn/qcnn.onnx")
for t in test_convtranspose_output_shape test_convtranspose_1d test_qlinearconv test_qlinearmatmul_3D; do
    f=/usr/share/libonnx-testdata/data/node/$t/model.onnx
    [ -f "$f" ] && sources+=("$f")
done
"$python" "$src/tests/fuzz/mutate_onnx.py" "$seed" "$count" "$tmp/m" "${sources[@]}" || { echo "FAIL: mutate_onnx.py"; exit 1; }
failed=0 imported=0 refused=0
for f in "$tmp"/m/*.onnx; do
    err=$(timeout 60 "$tessera" lower --onnx "$f" --dataflow os 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | grep -v '^note:' | grep -c .)
    if [ $code -eq 0 ]; then
        imported=$((imported + 1))
    elif [ $code -eq 1 ] && [ "$lines" -eq 1 ]; then
        refused=$((refused + 1))
    else
        failed=$((failed + 1))
        mkdir -p "$keep" && cp "$f" "$keep/seed${seed}_$(basename "$f")"
        echo "FAIL: $(basename "$f"): exit $code, $lines lines: $(printf '%s' "$err" | grep -v '^note:' | head -3)"
    fi
done
rm -rf "$tmp"
echo "$count mutated ONNX models (seed $seed): $imported imported, $refused refused in one line, $failed failed"
[ $failed -eq 0 ] || { echo "failing models kept in $keep"; exit 1; }
