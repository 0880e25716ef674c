#!/bin/bash
# Issue 20: depth-16 teacher (simple_big_maze, 600k env steps) -> depth-4 student (200k env steps of distillation),
# against a depth-4 network trained directly for the teacher's 600k env steps; all on the same 128 episodes.
cd /work/run-dist
T=/work/sweeps/reset-big-maze-same_start
for s in "$@"; do
  while [ ! -f $T/d16-w128-b128/seed$s/finished.json ]; do sleep 30; done
  out=/work/sweeps/distill-big-maze/student-d4-seed$s
  [ -f $out/finished.json ] || ./crl4j distill $T/d16-w128-b128/seed$s --student-depth 4 --steps 200000 --seed $s \
      --threads 1 --out $out
  for r in $T/d16-w128-b128/seed$s $T/d4-w128-b128/seed$s $out; do
    echo "EVAL $r"; ./crl4j eval $r --episodes 128 --threads 1 --json | tail -1
    echo "EVALFAR $r"; ./crl4j eval $r --env simple_big_maze_eval --episodes 128 --threads 1 --json | tail -1
  done
done
echo ALL DONE
