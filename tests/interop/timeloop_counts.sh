# Sourced by the cli_timeloop_*.sh tests (after setting $tessera), which compare Tessera's counts
# with Timeloop's: a scratch directory $tmp (removed on exit) and fail=0; `expect` reads
# `tessera estimate`'s table in $tmp/est and sets fail=1 on a difference.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# counts LEVEL TENSOR -> "fills updates operand-reads drains"
counts() { awk -v l="$1" -v t="$2" '$1 == l && $2 == t { print $(NF-6), $(NF-4), $(NF-2), $NF }' "$tmp/est"; }
# expect LEVEL TENSOR FILLS UPDATES READS DRAINS WHY
expect() {
    local got
    got=$(counts "$1" "$2")
    [ "$got" = "$3 $4 $5 $6" ] || { echo "FAIL: $1 $2: fills/updates/reads/drains $got, expected $3 $4 $5 $6 ($7)"; fail=1; }
}
# simulates NAME ARGS...: `tessera compile ARGS -o $tmp/NAME` (its output in $tmp/compile.log), then
# `tessera simulate` (in $tmp/sim.log); fail=1 with the reason unless every layer PASSes.
simulates() {
    local name=$1
    shift
    "$tessera" compile "$@" -o "$tmp/$name" >"$tmp/compile.log" 2>&1 ||
        { echo "FAIL: compile $name: $(cat "$tmp/compile.log")"; fail=1; return 1; }
    "$tessera" simulate "$tmp/$name" >"$tmp/sim.log" 2>&1 ||
        { echo "FAIL: simulate $name: $(tail -30 "$tmp/sim.log")"; fail=1; return 1; }
    grep -q "^PASS: " "$tmp/sim.log" || { echo "FAIL: $name does not PASS"; fail=1; return 1; }
}
