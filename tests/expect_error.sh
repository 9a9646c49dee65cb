# Sourced by the CLI tests: `expect_error WANT ARGS...` runs `$tessera ARGS...` and requires a
# non-zero exit with exactly one line on stderr that contains WANT; otherwise it prints why and
# sets fail=1.
expect_error() {
    local want=$1; shift
    local err code lines
    err=$("$tessera" "$@" 2>&1 >/dev/null)
    code=$?
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ $code -eq 0 ] || [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -qF -- "$want"; then
        echo "FAIL: tessera $* -> exit $code, $lines lines, wanted '$want': $err"
        fail=1
    fi
}
