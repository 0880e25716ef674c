#!/usr/bin/env bash
# The docs/benchmarks.md training-step table: crl4j vs libtorch, W=256, D in {4,16,64,256,1024}, B in {256,512,1024}.
# One JSON line per shape goes to the file given as $1 (default bench-nn.jsonl). Takes about 10-20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-nn.jsonl}"
threads="${THREADS:-2}"
: > "$out"
for d in 4 16 64 256 1024; do
  for b in 256 512 1024; do
    steps=10; [ "$d" -ge 256 ] && steps=3; [ "$d" -ge 1024 ] && steps=2
    warm=2; [ "$d" -ge 1024 ] && warm=1
    [ "$d" -eq 4 ] && steps=100 && warm=100   # tiny steps: the JIT needs many to warm up
    CRL4J_JAVA_OPTS="${CRL4J_JAVA_OPTS:--Xmx12g}" ./crl4j bench nn --width 256 --depth "$d" --batch "$b" \
      --threads "$threads" --steps "$steps" --warmup "$warm" --compare-torch --json 2>/dev/null | tail -n1 | tee -a "$out"
  done
done
