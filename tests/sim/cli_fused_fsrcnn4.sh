#!/usr/bin/env bash
# Issue 12's end-to-end check on a real image: the fusion tuner's schedule for fsrcnn's first four
# layers on the full 540x960 image (examples/networks/fsrcnn4.csv, about 357 M cycles) compiles and
# simulates bit-exactly, every counter and the cycles equal to the models, and the DRAM words it
# measures are below the layer-by-layer design's by the factor the tuner predicts.
set -u
tessera=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
net="$src/examples/networks/fsrcnn4.csv"
"$tessera" explore --network "$net" --fusion --json -o "$work/tuned.sched" > "$work/tuned.json" 2>/dev/null ||
    { echo "FAIL: explore --fusion"; exit 1; }
"$tessera" compile --network "$net" --fuse all --schedule "$work/tuned.sched" --lanes 16 -o "$work/design" >/dev/null ||
    { echo "FAIL: compile --fuse all --schedule (the tuner's file)"; exit 1; }
timeout 1200 "$tessera" simulate "$work/design" --json > "$work/sim.json" ||
    { echo "FAIL: simulate exit $?"; exit 1; }
python3 - "$work/tuned.json" "$work/sim.json" <<'PY'
import json, sys
tuned = json.load(open(sys.argv[1]))
groups = json.load(open(sys.argv[2]))
fail = False
for g in groups:
    if not (g["pass"] and g["bit_exact"] and g["counters_match"] and g["cycles"] == g["cycles_model"]
            and g["dram_words"] == g["dram_words_model"]):
        print("FAIL: group", g["group"], {k: g[k] for k in ("bit_exact", "counters_match", "cycles", "cycles_model",
                                                            "dram_words", "dram_words_model")})
        fail = True
measured = sum(g["dram_words"] for g in groups)
lbl = sum(g["layer_by_layer_dram_words_model"] for g in groups)
predicted = tuned["layer_by_layer"]["dram_words"] / tuned["depth_first"]["dram_words"]
if measured != tuned["depth_first"]["dram_words"] or lbl != tuned["layer_by_layer"]["dram_words"]:
    print("FAIL: measured", measured, "fused and", lbl, "layer by layer; the tuner said",
          tuned["depth_first"]["dram_words"], "and", tuned["layer_by_layer"]["dram_words"])
    fail = True
print("fsrcnn4 540x960: %d groups, %d cycles, DRAM words %d fused (RTL) vs %d layer by layer: %.2fx (tuner: %.2fx)"
      % (len(groups), sum(g["cycles"] for g in groups), measured, lbl, lbl / measured, predicted))
sys.exit(1 if fail else 0)
PY
