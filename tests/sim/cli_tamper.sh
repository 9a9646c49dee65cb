#!/usr/bin/env bash
# Issue 15's tampered and stale design directories: simulate refuses each with one line (and
# never allocates or runs on them); the untouched design still PASSes.
set -u
tessera=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect WORDS DIR
    local err code lines
    err=$(timeout 60 "$tessera" simulate "$2" 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -ne 1 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -qF -- "$1"; then
        echo "FAIL: simulate $2 -> exit $code, $lines lines (want '$1'): $err"
        fail=1
    fi
}
base="$work/base"
"$tessera" compile --layer conv:C=4,K=4,H=6,W=6,R=3,S=3,pad=1 --dataflow ws --array 4x4 -o "$base" >/dev/null || exit 1
variant() {  # variant NAME PYTHON-EDIT (d: the directory)
    cp -r "$base" "$work/$1"
    python3 -c "
import json, glob, os
d = '$work/$1'
cfg = glob.glob(d + '/config/*.json')[0]
$2"
}
variant rows "r = json.load(open(d + '/report.json')); r['design']['rows'] = 8; json.dump(r, open(d + '/report.json', 'w'))"
variant dram "c = json.load(open(cfg)); c['dram']['I']['base'] = -4294967296; json.dump(c, open(cfg, 'w'))"
variant writes "c = json.load(open(cfg)); c['writes'] = []; json.dump(c, open(cfg, 'w'))"
variant rtl "p = d + '/rtl/tessera_controller.sv'; t = open(p).read().replace('done', 'done ', 1); open(p, 'w').write(t)"
variant missing "os.remove(d + '/rtl/tessera_pe.sv')"
variant old "r = json.load(open(d + '/report.json')); del r['fingerprint']; json.dump(r, open(d + '/report.json', 'w'))"
expect "was changed after compile" "$work/rows"
expect "was changed after compile" "$work/dram"
expect "was changed after compile" "$work/writes"
expect "was changed after compile" "$work/rtl"
expect "cannot read" "$work/missing"
expect "has no fingerprint" "$work/old"
out=$(timeout 300 "$tessera" simulate "$base" 2>/dev/null) || { echo "FAIL: the untouched design: $out"; fail=1; }
printf '%s' "$out" | grep -q "^PASS" || { echo "FAIL: the untouched design does not PASS: $out"; fail=1; }
exit $fail
