#!/usr/bin/env bash
# The CLI's bad-input behaviour: each case exits non-zero with exactly one line on stderr.
set -u
tessera=$1
src=$2
fail=0
check() {
    local err
    err=$("$tessera" "$@" 2>&1 >/dev/null)
    local code=$?
    local lines
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -eq 0 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -q "error"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines: $err"
        fail=1
    fi
}
check lower --network resnet51
check lower --network resnet50 --layer nope
check lower --layer conv:C=3,K=8,H=8,W=8,R=3,S=3,Z=1
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --spatial 'C|Q'
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --array 0x16
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --array 300x16
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --dataflow xx
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --schedule /nonexistent.sched
check lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3 --bogus-flag
check lower
check frobnicate
"$tessera" lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1 --dataflow ws >/dev/null || { echo "FAIL: good input"; fail=1; }
"$tessera" lower --layer conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1 --schedule "$src/examples/schedules/ws_conv3x3.sched" --json \
    | grep -q '"macs": 36864' || { echo "FAIL: --json macs"; fail=1; }
exit $fail
