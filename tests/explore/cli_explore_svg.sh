#!/usr/bin/env bash
# tessera explore --svg: the chart is well-formed XML, has one mark per Pareto mapping (one layer)
# or per layer and preset (a network), and its values equal --json's / the presets' estimates; the
# energy floor is drawn (one line, or one mark per layer) at --json's floor_pj.
set -u
tessera=$1
src=$2
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# One layer: the Pareto front, the winner and the best preset.
layer=(--layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --steps 400 -j 2 -q)
"$tessera" explore "${layer[@]}" --json --svg "$out/front.svg" > "$out/front.json" || { echo "FAIL: explore --svg"; fail=1; }
python3 - "$out/front.svg" "$out/front.json" <<'PY' || fail=1
import json, sys, xml.etree.ElementTree as ET
ns = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()          # raises on malformed XML
j = json.load(open(sys.argv[2]))
marks = [e for e in root.iter() if e.get('class') == 'pareto']
want = sorted((p['energy_pj'], p['cycles']) for p in j['pareto'])
got = sorted((float(e.get('data-energy-pj')), int(e.get('data-cycles'))) for e in marks)
ok = len(got) == len(want) and all(abs(a[0] - b[0]) <= 1e-9 * b[0] and a[1] == b[1] for a, b in zip(got, want))
if not ok:
    print('FAIL: pareto marks', got, 'json', want); sys.exit(1)
win = [e for e in root.iter() if e.get('class') == 'winner']
if len(win) != 1 or abs(float(win[0].get('data-energy-pj')) - j['best']['energy_pj']) > 1e-9 * j['best']['energy_pj'] \
        or int(win[0].get('data-cycles')) != j['best']['cycles']:
    print('FAIL: winner mark', [w.attrib for w in win], j['best']['energy_pj']); sys.exit(1)
pre = [e for e in root.iter() if e.get('class') == 'preset']
if len(pre) != 1 or pre[0].get('data-preset') not in ('os', 'ws', 'is', 'rs'):
    print('FAIL: preset mark', [p.attrib for p in pre]); sys.exit(1)
floor = [e for e in root.iter() if e.get('class') == 'floor']
if len(floor) != 1 or abs(float(floor[0].get('data-energy-pj')) - j['floor_pj']) > 1e-9 * j['floor_pj']:
    print('FAIL: floor line', [f.attrib for f in floor], j['floor_pj']); sys.exit(1)
PY
# The preset mark is that preset's estimate of the layer.
read -r name energy < <(python3 -c "
import sys, xml.etree.ElementTree as ET
e = [e for e in ET.parse('$out/front.svg').getroot().iter() if e.get('class') == 'preset'][0]
print(e.get('data-preset'), e.get('data-energy-pj'))")
est=$("$tessera" estimate --layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --dataflow "$name" --json |
      python3 -c "import json,sys; print(json.load(sys.stdin)['energy_pj'])")
python3 -c "import sys; a, b = float('$energy'), float('$est'); sys.exit(0 if abs(a - b) <= 1e-9 * b else 1)" ||
    { echo "FAIL: preset $name mark $energy pJ, estimate --dataflow $name $est pJ"; fail=1; }
# --no-presets: no preset mark.
"$tessera" explore "${layer[@]}" --no-presets --svg "$out/bare.svg" > /dev/null || fail=1
grep -q 'class="preset"' "$out/bare.svg" && { echo "FAIL: a preset mark with --no-presets"; fail=1; }

# A network of three layers: one explore bar per layer, a bar per preset that fits.
cat > "$out/net.csv" <<'CSV'
network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs
tiny,c1,conv,1,8,16,10,10,3,3,1,1,0,0,1,8,8,73728
tiny,c2,conv,1,16,16,8,8,1,1,1,1,0,0,1,8,8,16384
tiny,f3,fc,4,64,10,1,1,1,1,1,1,0,0,1,1,1,2560
CSV
"$tessera" explore --network "$out/net.csv" --steps 300 -j 2 -q --json --svg "$out/net.svg" > "$out/net.json" ||
    { echo "FAIL: explore --network --svg"; fail=1; }
python3 - "$out/net.svg" "$out/net.json" <<'PY' || fail=1
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
j = json.load(open(sys.argv[2]))
bars = [e for e in root.iter() if e.get('class') == 'explore']
got = [(e.get('data-layer'), float(e.get('data-energy-pj'))) for e in bars]
want = [(l['layer'], l['best']['energy_pj']) for l in j]
if len(got) != len(want) or any(a[0] != b[0] or abs(a[1] - b[1]) > 1e-9 * b[1] for a, b in zip(got, want)):
    print('FAIL: explore bars', got, 'json', want); sys.exit(1)
presets = [e for e in root.iter() if e.get('class') == 'preset']
per_layer = {}
for e in presets: per_layer.setdefault(e.get('data-layer'), set()).add(e.get('data-preset'))
if not presets or any(len(v) > 4 or not v <= {'os', 'ws', 'is', 'rs'} for v in per_layer.values()):
    print('FAIL: preset bars', per_layer); sys.exit(1)
floors = [(e.get('data-layer'), float(e.get('data-energy-pj'))) for e in root.iter() if e.get('class') == 'floor']
want = [(l['layer'], l['floor_pj']) for l in j]
if len(floors) != len(want) or any(a[0] != b[0] or abs(a[1] - b[1]) > 1e-9 * b[1] for a, b in zip(floors, want)):
    print('FAIL: floor marks', floors, 'json', want); sys.exit(1)
PY
# A preset bar is that preset's estimate of the layer.
read -r layer name energy < <(python3 -c "
import xml.etree.ElementTree as ET
e = [e for e in ET.parse('$out/net.svg').getroot().iter() if e.get('class') == 'preset'][0]
print(e.get('data-layer'), e.get('data-preset'), e.get('data-energy-pj'))")
est=$("$tessera" estimate --network "$out/net.csv" --layer "$layer" --dataflow "$name" --json |
      python3 -c "import json,sys; d = json.load(sys.stdin); d = d[0] if isinstance(d, list) else d; print(d['energy_pj'])")
python3 -c "import sys; a, b = float('$energy'), float('$est'); sys.exit(0 if abs(a - b) <= 1e-9 * b else 1)" ||
    { echo "FAIL: $layer preset $name bar $energy pJ, estimate $est pJ"; fail=1; }

# --sweep: one bar per feasible design, values equal to --json's designs; baseline and best marked.
"$tessera" explore --layer conv:C=8,K=8,H=10,W=10,R=3,S=3 --steps 200 -j 2 -q --arch interstellar_baseline \
    --sweep-rf 32,512 --sweep-glb 64K,128K --json --svg "$out/sweep.svg" > "$out/sweep.json" ||
    { echo "FAIL: explore --sweep --svg"; fail=1; }
python3 - "$out/sweep.svg" "$out/sweep.json" <<'PY' || fail=1
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
j = json.load(open(sys.argv[2]))
bars = [e for e in root.iter() if e.get('class') in ('design', 'best', 'baseline')]
want = [d for d in j['designs'] if d['feasible']]
if len(bars) != len(want) or len(want) < 2:
    print('FAIL: sweep bars', len(bars), 'designs', len(want)); sys.exit(1)
for e, d in zip(bars, want):
    if abs(float(e.get('data-energy-pj')) - d['energy_pj']) > 1e-9 * d['energy_pj'] or int(e.get('data-cycles')) != d['cycles']:
        print('FAIL: sweep bar', e.attrib, d); sys.exit(1)
if not [e for e in bars if e.get('class') == 'baseline']:
    print('FAIL: no baseline bar'); sys.exit(1)
PY

# An unwritable file is one line.
err=$("$tessera" explore "${layer[@]}" --svg /nonexistent/dir/x.svg 2>&1 >/dev/null)
[ $? -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || { echo "FAIL: unwritable --svg: $err"; fail=1; }
exit $fail
