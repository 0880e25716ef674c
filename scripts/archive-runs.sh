#!/usr/bin/env bash
# Keep the small records of finished runs (what `./crl4j plot` reads, plus eval results and logs) so that a study's
# numbers survive after its run directories (checkpoints, tensorboard) are gone, and later seeds can be plotted
# together with earlier ones:   scripts/archive-runs.sh SRC DEST   (e.g. runs/sweep-u-maze docs/data/u-maze-depth)
# Copies, for every run directory under SRC (one that has config.json), the files config.json, metrics.jsonl,
# random_policy.json, finished.json, eval_*.json and train.log into DEST/<the same relative path>.
set -euo pipefail
src="${1:?usage: scripts/archive-runs.sh SRC DEST}"; dest="${2:?usage: scripts/archive-runs.sh SRC DEST}"
[ -d "$src" ] || { echo "archive-runs: no directory $src" >&2; exit 2; }
src="${src%/}"
count=0
while IFS= read -r config; do
  run="$(dirname "$config")"
  rel="${run#"$src"}"; rel="${rel#/}"
  target="$dest/${rel:-.}"
  mkdir -p "$target"
  for f in config.json metrics.jsonl random_policy.json finished.json train.log "$run"/eval_*.json; do
    f="$(basename "$f")"
    [ -f "$run/$f" ] && cp "$run/$f" "$target/$f"
  done
  count=$((count + 1))
done < <(find "$src" -name config.json -not -path "$src/*checkpoints/*" | sort)
if [ -f "$src/sweep.json" ]; then mkdir -p "$dest"; cp "$src/sweep.json" "$dest/sweep.json"; fi
echo "archived $count runs from $src to $dest"
