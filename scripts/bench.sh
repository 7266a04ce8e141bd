#!/usr/bin/env bash
# End-to-end throughput: piimap (JSON report written) against ripgrep with a comparable PII
# pattern set, over the same generated corpus, in the same run, so machine noise hits both.
#
#   scripts/bench.sh [SIZE_MB] [RUNS]      (defaults: 500 MB, 5 runs)
#
# Needs python3, ripgrep and hyperfine (Debian: apt-get install ripgrep hyperfine) and the
# shared bench material beside the repository (../shared/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb=${1:-500}
runs=${2:-5}
shared=../shared/bench
out="${TMPDIR:-/tmp}/piimap-bench-$size_mb"
corpus="$out/corpus"

if [ ! -d "$shared" ]; then
  echo "skipped: $shared not found (the benchmark corpus generator lives there)" >&2
  exit 0
fi
if [ ! -f "$out/answers.json" ]; then
  python3 "$shared/gen_corpus.py" --out "$out" --size-mb "$size_mb" --seed 1
fi
cargo build --release --locked --quiet
bin=target/release/piimap
cat "$corpus"/* > /dev/null   # warm the page cache for both tools

# The issue's reference counts matching lines (`rg -c`). Two more ripgrep runs show what
# writing where every match is costs ripgrep itself: each match's line and column
# (`-o -n --column`, to /dev/null), and a JSON report of every match written to a file.
hyperfine --warmup 1 --runs "$runs" --ignore-failure --export-json "$out/hyperfine.json" \
  -n ripgrep "rg -c -f $shared/rg-patterns.txt $corpus" \
  -n "ripgrep-matches" "rg -o -n --column -r x -f $shared/rg-patterns.txt $corpus" \
  -n "ripgrep-json" "sh -c 'rg --json -f $shared/rg-patterns.txt $corpus > $out/rg.json'" \
  -n piimap "$bin scan $corpus --no-progress --format json --output $out/report.json"

python3 - "$out" "$corpus" <<'PY'
import json, os, sys
out, corpus = sys.argv[1], sys.argv[2]
runs = {r["command"]: r for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))
print(f"corpus: {size / 1e6:.1f} MB, {os.cpu_count()} cores")
pm = runs["piimap"]["median"]
print(f"{'piimap':<16} median {pm:7.3f} s = {size / 1e6 / pm:7,.0f} MB/s")
for name in ["ripgrep", "ripgrep-matches", "ripgrep-json"]:
    median = runs[name]["median"]
    print(f"{name:<16} median {median:7.3f} s = {size / 1e6 / median:7,.0f} MB/s,"
          f" ratio piimap/{name} = {pm / median:5.2f}")
report = os.path.getsize(f"{out}/report.json")
print(f"piimap report {report / 1e6:,.0f} MB; ripgrep JSON {os.path.getsize(f'{out}/rg.json') / 1e6:,.0f} MB")
answers = json.load(open(f"{out}/answers.json"))["rules"]
found = json.load(open(f"{out}/report.json"))["summary"]["by_rule"]
print(f"{'rule':<14}{'planted':>10}{'found':>10}")
for rule, planted in sorted(answers.items()):
    print(f"{rule:<14}{planted:>10}{found.get(rule, 0):>10}")
PY
