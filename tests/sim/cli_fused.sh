#!/usr/bin/env bash
# compile --fuse on the command line (issue 12): it writes the design, a config per group and the
# report; a group the fused RTL cannot run, or a malformed fused design directory, gets one line
# and exit 1. (The groups themselves run in test_sim_fused.)
set -u
tessera=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect WORDS COMMAND...
    local want=$1 err code lines
    shift
    err=$(timeout 60 "$tessera" "$@" 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -ne 1 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -qF -- "$want"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines (want '$want'): $err"
        fail=1
    fi
}
net="$src/examples/networks/mbv2_block_tiny.csv"
"$tessera" compile --network "$net" --fuse 0..2 --tile 4x8 --overlap cache-hv --residual -o "$work/mb" >/dev/null || exit 1
for f in report.json rtl/tessera_fused.sv rtl/tessera_post_op.sv config/expand..project.json; do
    [ -s "$work/mb/$f" ] || { echo "FAIL: compile --fuse did not write $f"; fail=1; }
done
grep -q '"fused"' "$work/mb/report.json" || { echo "FAIL: report.json has no fused object"; fail=1; }
# estimate --fuse gives the fused RTL's cycles too (the figure simulate checks), or why it has none.
"$tessera" estimate --network "$net" --fuse 0..2 --tile 4x8 --overlap cache-hv --residual --lanes 4 |
    grep -qE '^fused RTL \(compile --fuse, 4 lanes\): [0-9]+ cycles$' || { echo "FAIL: estimate --fuse: no fused RTL cycles"; fail=1; }
"$tessera" estimate --network "$net" --fuse 0..2 --cores 2 --json | grep -q '"refused"' ||
    { echo "FAIL: estimate --fuse --json: no refusal for --cores 2"; fail=1; }
expect "--cores 1" compile --network "$net" --fuse 0..2 --cores 2 -o "$work/x"
expect "needs -o DIR" compile --network "$net" --fuse 0..2
expect "--lanes must be" compile --network "$net" --fuse 0..2 --lanes 0 -o "$work/x"
expect "not consecutive" compile --network "$net" --fuse 2..0 -o "$work/x"
expect "--schedule FILE" compile --network "$net" --fuse all -o "$work/x"
# A DRAM that refuses 40 % of requests: the group still bit-exact with the model's counters.
"$tessera" simulate "$work/mb" --dram-stalls 40 > "$work/stalls.txt" 2>&1 &&
    grep -q "not compared: DRAM refused 40 % of requests" "$work/stalls.txt" ||
    { echo "FAIL: simulate --dram-stalls 40 on the fused group: $(tail -5 "$work/stalls.txt")"; fail=1; }
expect "--dram-stalls 95 is out of range" simulate "$work/mb" --dram-stalls 95
# The whole network: the tuner's groups, and the layers it left unfused as one-layer groups, on one
# design (here the tuner's second group is dropped from its file, so map2..deconv are unfused).
fs="$src/examples/networks/fsrcnn_60x80.csv"
"$tessera" explore --network "$fs" --fusion -o "$work/tuned.sched" >/dev/null 2>&1 || { echo "FAIL: explore --fusion"; fail=1; }
python3 - "$work/tuned.sched" <<'PY'
import sys
text = open(sys.argv[1]).read()
groups = text.split("# fused group:")
assert len(groups) >= 3, "the tuner fused fsrcnn_60x80 into fewer than 2 groups"
open(sys.argv[1], "w").write(groups[0] + "# fused group:" + groups[1])
PY
"$tessera" compile --network "$fs" --fuse all --schedule "$work/tuned.sched" --lanes 16 -o "$work/net" > "$work/net.txt" ||
    { echo "FAIL: compile --fuse all with unfused layers"; fail=1; }
grep -q "group map2..map2" "$work/net.txt" || { echo "FAIL: unfused map2 not a one-layer group: $(cat "$work/net.txt")"; fail=1; }
timeout 900 "$tessera" simulate "$work/net" > "$work/sim.txt" 2>&1 || { echo "FAIL: simulate the whole network: $(tail -5 "$work/sim.txt")"; fail=1; }
grep -q "^all 6 groups: DRAM words fused rtl" "$work/sim.txt" || { echo "FAIL: not 6 groups: $(tail -3 "$work/sim.txt")"; fail=1; }
cp -r "$work/mb" "$work/broken"
python3 -c "
import json
p = '$work/broken/report.json'
r = json.load(open(p)); del r['fused']['design']['lanes']; json.dump(r, open(p, 'w'))"
expect "malformed fused design report" simulate "$work/broken"
[ $fail -eq 0 ] && echo "cli_fused: all checks passed"
exit $fail
