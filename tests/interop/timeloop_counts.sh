# Sourced by the cli_timeloop_*.sh tests, which compare Tessera's counts with Timeloop's: reads
# `tessera estimate`'s table in $tmp/est and sets fail=1 on a difference.
# counts LEVEL TENSOR -> "fills updates operand-reads drains"
counts() { awk -v l="$1" -v t="$2" '$1 == l && $2 == t { print $(NF-6), $(NF-4), $(NF-2), $NF }' "$tmp/est"; }
# expect LEVEL TENSOR FILLS UPDATES READS DRAINS WHY
expect() {
    local got
    got=$(counts "$1" "$2")
    [ "$got" = "$3 $4 $5 $6" ] || { echo "FAIL: $1 $2: fills/updates/reads/drains $got, expected $3 $4 $5 $6 ($7)"; fail=1; }
}
