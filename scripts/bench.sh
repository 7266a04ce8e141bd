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

hyperfine --warmup 1 --runs "$runs" --ignore-failure --export-json "$out/hyperfine.json" \
  -n ripgrep "rg -c -f $shared/rg-patterns.txt $corpus" \
  -n piimap "$bin scan $corpus --no-progress --format json --output $out/report.json"

python3 - "$out" "$corpus" <<'PY'
import json, os, sys
out, corpus = sys.argv[1], sys.argv[2]
runs = {r["command"]: r for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
size = sum(os.path.getsize(os.path.join(corpus, f)) for f in os.listdir(corpus))
rg, pm = runs["ripgrep"]["median"], runs["piimap"]["median"]
print(f"corpus: {size / 1e6:.1f} MB, {os.cpu_count()} cores")
print(f"ripgrep median {rg:.3f} s = {size / 1e6 / rg:,.0f} MB/s")
print(f"piimap  median {pm:.3f} s = {size / 1e6 / pm:,.0f} MB/s")
print(f"ratio piimap/ripgrep = {pm / rg:.2f}")
answers = json.load(open(f"{out}/answers.json"))["rules"]
found = json.load(open(f"{out}/report.json"))["summary"]["by_rule"]
print(f"{'rule':<14}{'planted':>10}{'found':>10}")
for rule, planted in sorted(answers.items()):
    print(f"{rule:<14}{planted:>10}{found.get(rule, 0):>10}")
PY
