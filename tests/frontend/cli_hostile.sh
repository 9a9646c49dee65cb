#!/usr/bin/env bash
# Regression tests for issue 15's quoted hostile inputs: each exits 1 with exactly one line on
# stderr that contains "error" and the expected words; good inputs still work.
set -u
tessera=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
expect() {  # expect "WORDS" ARGS...: exit 1, one line, containing WORDS
    local words=$1
    shift
    local err code lines
    err=$(timeout 120 "$tessera" "$@" 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -ne 1 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -q "error" ||
       ! printf '%s' "$err" | grep -qF -- "$words"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines (want '$words'): $err"
        fail=1
    fi
}
ok() {  # ok ARGS...: exit 0
    if ! timeout 120 "$tessera" "$@" >/dev/null 2>"$work/err"; then
        echo "FAIL (should work): tessera $*: $(cat "$work/err")"
        fail=1
    fi
}
conv="conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1"

# 1. Extremes: every size checked against the documented limits (docs/limits.md).
expect "largest extent" lower --layer conv:C=4,K=4,H=2147483647,W=2147483647,R=3,S=3
expect "largest extent" estimate --layer conv:C=4,K=4,H=2147483647,W=2147483647,R=3,S=3
expect "DRAM address limit" estimate --layer conv:C=65536,K=65536,H=65536,W=65536,R=3,S=3
expect "largest extent" lower --layer conv:C=2147483647,K=4,H=8,W=8,R=3,S=3
expect "shift=4294967297" lower --layer $conv,shift=4294967297
expect "use 0..30" lower --generator tessera_conv2d -p shift=4294967297

# 2. Silent defaults and ignored input.
expect "needs K=" lower --layer conv:C=4
expect "needs C=" lower --layer conv:
expect "given twice" lower --layer $conv,C=4
expect "unknown key 'H' for fc" lower --layer fc:C=4,K=4,H=3
expect "bias=2 must be 0, 1, true or false" lower --layer $conv,bias=2
expect "relu=-1 must be 0, 1, true or false" lower --layer $conv,relu=-1
expect "shift=-5 must be 0..30" lower --layer $conv,shift=-5
expect "use true or false" lower --generator tessera_conv2d -p has_bias=2
mkdir -p "$work/dir.sched"
: > "$work/empty.sched"
expect "no schedule in" lower --layer $conv --schedule "$work/dir.sched"  # a directory: per-layer files
expect "is empty" lower --layer $conv --schedule "$work/empty.sched"
ok lower --layer $conv,bias=0,relu=true,shift=8
ok lower --layer dwconv:C=8,H=8,W=8,R=3,S=3,pad=1 --dataflow os

# 3. Architecture files: types, ranges and order, checked once for every command.
arch() {  # arch NAME PYTHON-EDIT: a variant of the baseline architecture
    python3 -c "
import json, sys
a = json.load(open('$src/examples/arch/interstellar_baseline.json'))
$2
json.dump(a, open('$work/$1.json', 'w'))"
}
arch rows "a['array']['rows'] = 16.5"
arch reversed "a['levels'] = a['levels'][::-1]"
arch unbounded "a['levels'][1]['size_bytes'] = 0"
arch slow "a['levels'][0]['words_per_cycle'] = 1e-300"
arch hot "a['levels'][0]['energy_pj'] = 1e308"
arch latency "a['dram_latency_cycles'] = 2**40"
arch huge "a['array']['rows'] = 1; a['array']['cols'] = 100000"
for cmd in estimate compile; do
    out=()
    [ $cmd = compile ] && out=(-o "$work/d")
    expect "key 'rows' must be an integer" $cmd --layer $conv --arch "$work/rows.json" "${out[@]}"
    expect "list levels outermost (DRAM) first" $cmd --layer $conv --arch "$work/reversed.json" "${out[@]}"
    expect "size_bytes 0, which only the outermost" $cmd --layer $conv --arch "$work/unbounded.json" "${out[@]}"
    expect "words_per_cycle' = 1e-300 is out of range" $cmd --layer $conv --arch "$work/slow.json" "${out[@]}"
    expect "energy_pj' = 1e+308 is out of range" $cmd --layer $conv --arch "$work/hot.json" "${out[@]}"
    expect "dram_latency_cycles' = 1099511627776 is out of range" $cmd --layer $conv --arch "$work/latency.json" "${out[@]}"
    expect "out of range 1..256" $cmd --layer $conv --arch "$work/huge.json" "${out[@]}"
done

# 4. One validation for all commands: compile runs estimate's fit check; --array sizes the default
# architecture's array (as lower does) and must fit a named one.
expect "larger than architecture interstellar_baseline's 16x16" compile --layer $conv --dataflow ws --array 32x32 \
    --arch interstellar_baseline -o "$work/d"
expect "larger than architecture interstellar_baseline's 16x16" estimate --layer $conv --dataflow ws --array 32x32 \
    --arch interstellar_baseline
cat > "$work/wide.sched" <<'SCHED'
RVar co("co"), ci("ci");
acc.compute_root();
acc.update().split(c, co, ci, 8).reorder(ci, x, y, k, s, r, co).unroll(ci).unroll(x);
hw::array(acc, ci, x);
Func ifmap_glb = ifmap.in(acc);
ifmap_glb.compute_root();
Func filter_glb = filter.in(acc);
filter_glb.compute_root();
SCHED
expect "array" compile --layer conv:C=8,K=4,H=300,W=300,R=1,S=1 --schedule "$work/wide.sched" -o "$work/d"
expect "array" estimate --layer conv:C=8,K=4,H=300,W=300,R=1,S=1 --schedule "$work/wide.sched"
arch smallglb "a['levels'][1]['size_bytes'] = 600"
expect "level GLB of architecture interstellar_baseline overflows" compile --layer $conv \
    --schedule "$src/examples/schedules/ws_conv3x3.sched" --arch "$work/smallglb.json" -o "$work/d"
expect "level GLB of architecture interstellar_baseline overflows" estimate --layer $conv \
    --schedule "$src/examples/schedules/ws_conv3x3.sched" --arch "$work/smallglb.json"
expect "is not ROWSxCOLS" estimate --layer $conv --array ' 4x4'
expect "is not ROWSxCOLS" estimate --layer $conv --array '+4x4'
est=$("$tessera" estimate --layer conv:C=64,K=64,H=8,W=8,R=1,S=1 --dataflow ws --array 32x32 --json 2>&1)
printf '%s' "$est" | grep -q '"arch_pes": 1024' || { echo "FAIL: estimate --array 32x32 on the default architecture: $est"; fail=1; }

# 6. Schedule text: one line with file:line:col, the parser bounded.
sched() {  # sched NAME PYTHON-EDIT: a variant of ws_conv3x3.sched
    python3 -c "
s = open('$src/examples/schedules/ws_conv3x3.sched').read()
$2
open('$work/$1.sched', 'w').write(s)"
}
sched deep "s = 'Func f = ' + 'ifmap.in(' * 2000 + 'acc' + ')' * 2000 + ';\n'"
sched chain "s = 'Func f = ifmap' + '.in()' * 2000 + ';\n'"
sched storeat "s += 'ifmap_glb.store_at(acc, r);\n'"
sched bigsplit "s = s.replace('output.split(y, yo, yi, 4)', 'output.split(y, yo, yi, 99999999999999)')"
sched zerosplit "s = s.replace('output.split(y, yo, yi, 4)', 'output.split(y, yo, yi, 0)')"
sched zerounroll "s = s.replace('.unroll(kl)', '.unroll(kl, 0)')"
sched dotvar "s = s.replace('Var yo(\"yo\")', 'Var yo(\"y.o\")')"
sched noacc "s = s.replace('acc.compute_at(output, yo);', '')"
expect "deep.sched:1:" lower --layer $conv --schedule "$work/deep.sched"
expect "more than 256 scheduling calls" lower --layer $conv --schedule "$work/chain.sched"
expect "Halide rejects the schedule: Func" lower --layer $conv --schedule "$work/storeat.sched"
expect "bigsplit.sched:5:25: the number 99999999999999 is over" lower --layer $conv --schedule "$work/bigsplit.sched"
expect "zerosplit.sched:5:25: a factor must be at least 1" lower --layer $conv --schedule "$work/zerosplit.sched"
expect "zerounroll.sched:8:" lower --layer $conv --schedule "$work/zerounroll.sched"
expect "dotvar.sched:3:8: the name \"y.o\"" lower --layer $conv --schedule "$work/dotvar.sched"
expect "acc is never computed" lower --layer $conv --schedule "$work/noacc.sched"

# 7. Output: write failures and --top.
if [ -w /dev/full ]; then
    for cmd in lower estimate; do
        err=$("$tessera" $cmd --layer $conv 2>&1 >/dev/full)
        code=$?
        [ $code -eq 1 ] && printf '%s' "$err" | grep -q "error: cannot write the output" ||
            { echo "FAIL: $cmd > /dev/full -> exit $code: $err"; fail=1; }
    done
fi
expect "SystemVerilog keyword" compile --layer $conv --top module -o "$work/d"
expect "SystemVerilog keyword" compile --layer $conv --top always_ff -o "$work/d"
expect "the design's own modules" compile --layer $conv --top tessera_pe -o "$work/d"
exit $fail
