#!/usr/bin/env bash
# Timeloop's 2020 tutorial machine (one PE: main memory, global buffer, register file; v0.4 files
# in timeloop04/) with its 3-level conv1d mapping: Tessera's counts beside the ones Timeloop's
# model reports for it (timeloop-accelergy-exercises, 03-model-conv1d+oc-3level/ref-output/
# no-bypass/timeloop-model.stats.txt), then compile and simulate: PASS, counters and cycles equal.
# Where the two count differently (docs/timeloop.md, "Tessera's counts beside Timeloop's"), the
# test pins Tessera's figure so that a change is seen.
set -u
tessera=$1
src=$2
. "$src/tests/interop/timeloop_counts.sh"  # $tmp, fail, counts, expect, simulates
d=$src/tests/interop/timeloop04
run=(--arch "$d/one_pe.arch.yaml" --timeloop-problem "$d/conv1d_oc.prob.yaml" --timeloop-mapping "$d/conv1d_oc.map.yaml")

"$tessera" estimate "${run[@]}" >"$tmp/est" 2>"$tmp/err" || { echo "FAIL: estimate: $(cat "$tmp/err")"; exit 1; }
#      level         tensor fills upd reads drains
expect MainMemory    W      0     0   96    0     "Timeloop: reads 96"
expect GlobalBuffer  W      96    0   96    0     "Timeloop: fills 96, reads 96"
expect RegisterFile  W      96    0   1536  0     "Timeloop: fills 96, reads 1536"
expect MainMemory    I      0     0   18    0     "Timeloop: reads 18"
expect GlobalBuffer  I      18    0   768   0     "Timeloop: fills 18, reads 288 (it fills only the new word of each sliding window)"
expect RegisterFile  I      768   0   1536  0     "Timeloop: fills 288, reads 1536"
expect MainMemory    O      0     512 0     0     "Timeloop: updates 512"
expect GlobalBuffer  O      0     512 0     512   "Timeloop: updates 512, reads 0"
expect RegisterFile  O      0     1536 1536 0     "Timeloop: updates 1536, reads 1024 (it does not read a sum's first update)"
grep -q "1536 MACs" "$tmp/est" || { echo "FAIL: 1536 MACs (Timeloop: 1536 computes)"; fail=1; }

simulates design "${run[@]}"

# Sixteen PEs in a row, the spatial entry targeting the PE container (v0.4): it keeps nothing.
kp=(--arch "$d/sixteen_pe.arch.yaml" --timeloop-problem "$d/conv1d_oc_ic.prob.yaml" --timeloop-mapping "$d/conv1d_oc_ic_kp.map.yaml")
simulates kp "${kp[@]}"
grep -q "1x16 PEs" "$tmp/compile.log" || { echo "FAIL: kp is a row of 16 PEs: $(cat "$tmp/compile.log")"; fail=1; }
[ $fail -eq 0 ] && echo "cli_timeloop_tutorial: all passed"
exit $fail
