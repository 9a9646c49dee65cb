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
expect "--cores 1" compile --network "$net" --fuse 0..2 --cores 2 -o "$work/x"
expect "needs -o DIR" compile --network "$net" --fuse 0..2
expect "--lanes must be" compile --network "$net" --fuse 0..2 --lanes 0 -o "$work/x"
expect "not consecutive" compile --network "$net" --fuse 2..0 -o "$work/x"
expect "--schedule FILE" compile --network "$net" --fuse all -o "$work/x"
cp -r "$work/mb" "$work/broken"
python3 -c "
import json
p = '$work/broken/report.json'
r = json.load(open(p)); del r['fused']['design']['lanes']; json.dump(r, open(p, 'w'))"
expect "malformed fused design report" simulate "$work/broken"
[ $fail -eq 0 ] && echo "cli_fused: all checks passed"
exit $fail
