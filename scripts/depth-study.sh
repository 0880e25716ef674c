#!/usr/bin/env bash
# Depth study: for each depth D in $DEPTHS and seed in $SEEDS, `./crl4j train --env ENV` with critic and actor
# depth D plus any extra train flags, then evaluates the last checkpoint on $FAR_EVAL (if set, 128 episodes).
# Resumable: finished runs are skipped, interrupted ones continue from their resume state.
#   DEPTHS="4 16" SEEDS="1 2 3" scripts/depth-study.sh simple_u_maze runs/u-maze-depth [train flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
env_id="$1"; out="$2"; shift 2
for depth in ${DEPTHS:-4 16}; do
  for seed in ${SEEDS:-1 2 3}; do
    dir="$out/d$depth-s$seed"
    [ -f "$dir/done" ] && continue
    start=$(date +%s)
    if [ -f "$dir/checkpoints/resume.safetensors" ]; then
      ./crl4j train --resume "$dir" --threads 2
    else
      ./crl4j train --env "$env_id" --critic-depth "$depth" --actor-depth "$depth" --seed "$seed" --threads 2 \
        --run-dir "$dir" "$@"
    fi
    echo "wall_clock_s $(( $(date +%s) - start ))" > "$dir/wall_clock.txt"
    if [ -n "${FAR_EVAL:-}" ]; then
      ./crl4j eval "$dir" --env "$FAR_EVAL" --episodes 128 --threads 2 --json | tail -1 > "$dir/eval_$FAR_EVAL.json"
    fi
    touch "$dir/done"
  done
done
