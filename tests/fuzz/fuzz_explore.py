#!/usr/bin/python3
"""Random layers and small networks on the bundled architectures, through the loop a user runs:

  layer:    tessera explore --layer L --arch A --objective O --rtl-only --verify 1
            (the winner compiled and simulated: bit-exact, counters and cycles equal to the model)
  network:  tessera explore --network N.csv --arch A --rtl-only -o W
            tessera compile --network N.csv --arch W/arch.json --schedule W -o D
            tessera simulate D            (every layer PASS on the one design)

Each case must PASS, or explore must refuse it in one line with exit 1 (e.g. no mapping fits).
A failing case keeps its directory under --work with the commands and their output (fail.txt).

  fuzz_explore.py --tessera build/tessera --src . --cases 200 --networks 50 --seed 7 --work /tmp/fe

ctest runs a bounded number (fuzz_explore_bounded); docs/explore.md, "Tested".
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import time


def draw_layer(rng):
    """An inline layer of any kind the CLI takes, with the keys a user varies."""
    kind = rng.choice(['conv', 'conv', 'conv', 'dwconv', 'fc', 'deconv', 'grouped'])
    if kind == 'fc':
        text = f"fc:N={rng.choice([1, 1, 2, 3, 8])},C={rng.randint(1, 300)},K={rng.randint(1, 200)}"
        return text + (f",batch={rng.choice([2, 3])}" if rng.random() < 0.2 else "")
    if kind == 'deconv':
        return (f"deconv:C={rng.choice([1, 3, 8, 16])},K={rng.choice([1, 4, 8])},H={rng.randint(2, 10)},"
                f"W={rng.randint(2, 10)},R={rng.choice([2, 3, 4, 5])},S={rng.choice([2, 3, 4])},"
                f"stride={rng.choice([1, 2, 3])},pad={rng.choice([0, 1])}")
    R = rng.choice([1, 1, 3, 3, 3, 5, 7])
    S = R if rng.random() < 0.85 else rng.choice([1, 3, 5])
    H, W = rng.randint(max(R, 3), 24), rng.randint(max(S, 3), 24)
    stride = rng.choice([1, 1, 1, 2, 2, 3])
    pad = rng.choice([0, R // 2, R // 2, 1]) if R > 1 else 0
    C, K = rng.choice([1, 3, 4, 8, 16, 17, 32, 48, 64]), rng.choice([1, 4, 8, 12, 16, 24, 32, 64])
    keys = ''
    if rng.random() < 0.2: keys += f",dilation={rng.choice([2, 3])}"
    if rng.random() < 0.3: keys += ",bias=1"
    if rng.random() < 0.2: keys += ",relu=0"
    if rng.random() < 0.15: keys += ",y_int32=1"
    if rng.random() < 0.15: keys += f",x_zero_point={rng.randint(-20, 20)},w_zero_point={rng.randint(-5, 5)}"
    if rng.random() < 0.2: keys += f",N={rng.choice([2, 3])}"
    if rng.random() < 0.15: keys += f",stride_w={rng.choice([1, 2])}"
    if rng.random() < 0.15: keys += f",pad_bottom={rng.choice([0, 1, 2])},pad_right={rng.choice([0, 1])}"
    if rng.random() < 0.1: keys += ",x_uint8=1"
    if rng.random() < 0.1: keys += f",shift={rng.randint(0, 12)}"
    shape = f"H={H},W={W},R={R},S={S},stride={stride},pad={pad}"
    if kind == 'dwconv':
        return f"dwconv:C={C},K={C},{shape}{keys}"
    if kind == 'grouped':
        g = rng.choice([2, 3, 4])
        return f"conv:C={g * rng.choice([2, 4, 8])},K={g * rng.choice([2, 4, 8])},{shape},groups={g}{keys}"
    return f"conv:C={C},K={K},{shape}{keys}"


CSV_HEADER = ('network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs,'
              'source_repo,source_path,notes\n')


def draw_network(rng):
    """A network CSV (the bundled networks' columns) of 2 to 4 conv, depthwise and fc layers."""
    rows = []
    for i in range(rng.randint(2, 4)):
        kind = rng.choice(['conv', 'conv', 'conv', 'dwconv', 'fc'])
        N = rng.choice([1, 1, 1, 2])
        if kind == 'fc':
            C, K = rng.randint(1, 300), rng.randint(1, 200)
            rows.append(f"net,L{i},fc,{N},{C},{K},1,1,1,1,1,1,0,0,1,1,1,{N * C * K},,,\n")
            continue
        R = rng.choice([1, 1, 3, 3, 5, 7])
        stride = rng.choice([1, 1, 2])
        H, W = rng.randint(max(R, 3), 20), rng.randint(max(R, 3), 20)
        pad = rng.choice([0, R // 2])
        C = rng.choice([3, 4, 8, 16, 17, 32, 64])
        K = C if kind == 'dwconv' else rng.choice([4, 8, 12, 16, 24, 32, 64])
        groups = C if kind == 'dwconv' else 1
        P, Q = (H + 2 * pad - R) // stride + 1, (W + 2 * pad - R) // stride + 1
        macs = N * K * P * Q * R * R * C // groups
        rows.append(f"net,L{i},{kind},{N},{C},{K},{H},{W},{R},{R},{stride},{stride},{pad},{pad},{groups},{P},{Q},"
                    f"{macs},,,\n")
    return CSV_HEADER + ''.join(rows)


def run(cmd, cwd, timeout):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return None, f'timed out after {timeout} s'


def one_line_refusal(rc, out):
    lines = [l for l in out.splitlines() if l.strip() and not l.startswith('note:')]
    return rc == 1 and len(lines) == 1 and 'error' in lines[0]


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments end in one line naming the cause, exit 2."""

    def error(self, message):
        sys.stderr.write(f"fuzz_explore.py: error: {message} (see --help)\n")
        sys.exit(2)


def main():
    ap = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tessera', required=True)
    ap.add_argument('--src', required=True, help='source tree (its examples/arch/ are the architectures)')
    ap.add_argument('--work', required=True)
    ap.add_argument('--cases', type=int, default=20, help='single layers (explore --verify 1)')
    ap.add_argument('--networks', type=int, default=5, help='small networks (explore -o, compile, simulate)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--steps', type=int, default=2000, help='annealing steps per chain')
    ap.add_argument('--archs', default='', help='comma-separated architectures (default: default and every '
                    'examples/arch/*.json but tpu_like, whose large arrays take minutes to build)')
    ap.add_argument('--timeout', type=int, default=1800, help='seconds per command')
    a = ap.parse_args()
    arch_dir = os.path.join(a.src, 'examples', 'arch')
    if not os.path.isdir(arch_dir):
        ap.error(f"--src {a.src} has no examples/arch/: give the source tree")
    bundled = ['default'] + sorted(f[:-5] for f in os.listdir(arch_dir) if f.endswith('.json'))
    archs = a.archs.split(',') if a.archs else [n for n in bundled if n != 'tpu_like']
    for name in archs:
        if name not in bundled:
            ap.error(f"--archs names '{name}', not a bundled architecture (one of {', '.join(bundled)})")
    if a.cases < 0 or a.networks < 0 or a.steps < 1 or a.timeout < 1:
        ap.error("--cases and --networks take 0 or more, --steps and --timeout 1 or more")
    if not os.access(a.tessera, os.X_OK):
        ap.error(f"--tessera {a.tessera} is not an executable: give build/tessera")
    tessera = os.path.abspath(a.tessera)
    rng = random.Random(a.seed)
    os.makedirs(a.work, exist_ok=True)
    counts = {'PASS': 0, 'refused': 0, 'FAIL': 0}
    total = a.cases + a.networks
    start = time.time()
    for i in range(total):
        network = i >= a.cases
        arch = rng.choice(archs)
        objective = rng.choice(['energy', 'energy', 'cycles', 'edp'])
        work = os.path.join(a.work, f'case{a.seed}_{i}')
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        common = ['--arch', arch, '--objective', objective, '--rtl-only', '-q', '-j1', '--steps', str(a.steps),
                  '--seed', str(i)]
        if network:
            with open(os.path.join(work, 'net.csv'), 'w') as f:
                f.write(draw_network(rng))
            what = f'network {work}/net.csv on {arch}, {objective}'
            steps = [[tessera, 'explore', '--network', 'net.csv'] + common + ['-o', 'w'],
                     [tessera, 'compile', '--network', 'net.csv', '--arch', 'w/arch.json', '--schedule', 'w', '-o', 'd'],
                     [tessera, 'simulate', 'd']]
        else:
            layer = draw_layer(rng)
            what = f'{layer} on {arch}, {objective}'
            steps = [[tessera, 'explore', '--layer', layer] + common + ['--verify', '1']]
        log, status = '', 'PASS'
        for k, cmd in enumerate(steps):
            rc, out = run(cmd, work, a.timeout)
            log += ' '.join(cmd) + f'\n(exit {rc})\n' + out + '\n'
            if k == 0 and one_line_refusal(rc, out):
                status = 'refused'
                break
            if rc != 0:
                status = 'FAIL'
                break
        passed = 'PASS: ' in log and '== verify rank 1: FAIL' not in log and 'FAIL:' not in log
        if status == 'PASS' and not passed:
            status = 'FAIL'
        counts[status] += 1
        if status == 'FAIL':
            with open(os.path.join(work, 'fail.txt'), 'w') as f:
                f.write(log)
            print(f'FAIL [{i}] {what}: see {work}/fail.txt', flush=True)
        else:
            shutil.rmtree(work)
        print(f'[{i + 1}/{total}] {status}: {what} ({time.time() - start:.0f} s)', flush=True)
    print(f"{total} cases (seed {a.seed}): {counts['PASS']} PASS, {counts['refused']} refused in one line, "
          f"{counts['FAIL']} failed")
    return 1 if counts['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
