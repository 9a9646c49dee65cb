#!/usr/bin/env bash
# tessera explore --mpi under `mpirun -n 2` prints exactly what a single-process run prints (the
# --json result minus `seconds`): annealing chains, an exhaustive search, and a network. Exit 77
# (skipped) when this tessera has no MPI support or mpirun is missing.
set -u
tessera=$1
src=$2
if "$tessera" explore --help | tr -s " \n" " " | grep -q "not built into this tessera" || ! command -v mpirun > /dev/null; then
    echo "SKIP: tessera built without MPI (or no mpirun)"
    exit 77
fi
# Open MPI refuses to run as root unless told; in a container, root is the usual user.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No network interfaces to probe in CI containers: keep Open MPI on shared memory and loopback.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
strip() { python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for l in (d if isinstance(d, list) else [d]): l.pop('seconds')
print(json.dumps(d, sort_keys=True, indent=1))" "$1"; }
compare() {  # name, then explore's arguments
    local name=$1
    shift
    "$tessera" explore "$@" -j 1 -q --json > "$out/$name.one.json" || { echo "FAIL: $name single process"; fail=1; return; }
    timeout 600 mpirun -n 2 --oversubscribe "$tessera" explore "$@" -j 1 -q --json --mpi > "$out/$name.mpi.json" ||
        { echo "FAIL: $name under mpirun -n 2"; fail=1; return; }
    if ! diff <(strip "$out/$name.one.json") <(strip "$out/$name.mpi.json") > "$out/$name.diff"; then
        echo "FAIL: $name: mpirun -n 2 differs from one process"
        head -20 "$out/$name.diff"
        fail=1
    else
        echo "ok: $name ($(grep -c energy_pj "$out/$name.one.json") costs equal)"
    fi
}
compare anneal --layer conv:C=16,K=16,H=10,W=10,R=3,S=3 --search anneal --steps 1500 --seed 5
compare exhaustive --layer fc:N=2,C=4,K=4 --search exhaustive
cat > "$out/net.csv" <<'CSV'
network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs
tiny,c1,conv,1,8,16,10,10,3,3,1,1,0,0,1,8,8,73728
tiny,f2,fc,4,64,10,1,1,1,1,1,1,0,0,1,1,1,2560
CSV
compare network --network "$out/net.csv" --steps 800 --seed 2
# Three ranks, two threads each: the same result again.
"$tessera" explore --layer conv:C=16,K=16,H=10,W=10,R=3,S=3 --search anneal --steps 1500 --seed 5 -j 2 -q --json \
    > "$out/t.one.json" &&
    timeout 600 mpirun -n 3 --oversubscribe "$tessera" explore --layer conv:C=16,K=16,H=10,W=10,R=3,S=3 \
        --search anneal --steps 1500 --seed 5 -j 2 -q --json --mpi > "$out/t.mpi.json" &&
    diff <(strip "$out/t.one.json") <(strip "$out/t.mpi.json") > /dev/null ||
    { echo "FAIL: mpirun -n 3 -j 2 differs from one process"; fail=1; }
# One process with --mpi (no mpirun) just works.
"$tessera" explore --layer fc:N=2,C=4,K=4 --search exhaustive -q --json --mpi > "$out/single.json" &&
    diff <(strip "$out/single.json") <(strip "$out/exhaustive.one.json") > /dev/null ||
    { echo "FAIL: --mpi without mpirun"; fail=1; }
# mpirun without --mpi is a one-line error per process, not N whole searches.
err=$(mpirun -n 2 --oversubscribe "$tessera" explore --layer fc:N=2,C=4,K=4 -q 2>&1 >/dev/null)
printf '%s' "$err" | grep -q "without --mpi" || { echo "FAIL: mpirun without --mpi: $err"; fail=1; }
exit $fail
