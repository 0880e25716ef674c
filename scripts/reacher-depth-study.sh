#!/usr/bin/env bash
# Reacher, depth 4 vs 16, 3 seeds, 1M env steps each; run directories under $1 (default runs/reacher-depth).
# Every run also records the random policy's time at goal (random_policy.json) for comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/reacher-depth}"
for depth in 4 16; do
  for seed in 1 2 3; do
    dir="$out/d$depth-s$seed"
    [ -f "$dir/done" ] && continue                      # finished
    if [ -f "$dir/checkpoints/resume.safetensors" ]; then  # interrupted: continue it
      ./crl4j train --resume "$dir" --threads 2
    else
      ./crl4j train --env reacher --critic-depth "$depth" --actor-depth "$depth" --num-envs 128 --batch-size 128 \
        --num-sgd-batches-per-training-step 50 --total-env-steps 1000000 --num-epochs 10 --num-eval-envs 64 \
        --seed "$seed" --threads 2 --run-dir "$dir"
    fi
    touch "$dir/done"
  done
done
