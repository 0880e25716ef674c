package org.crl4j.envs.maze;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv.ResetMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The ball never enters or crosses a wall: random, adversarial and absurdly fast motion, many envs, long runs. */
class PointMazeWallTest {

    private static final Parallel POOL = new Parallel(2);
    /** Largest overlap of ball and wall accepted (rounding only). */
    private static final double PENETRATION_TOL = 1e-6;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /**
     * Corridors (rows 1, 5, 9, …) joined by column 1, with sealed pockets of open floor between them: a ball that
     * got through a 4 m wall would land in a pocket (unreachable from R) or inside a wall. Corridors are long
     * enough for full thrust to exceed 20 m/s, where a substep is cut into several moves.
     */
    static String combLayout(int corridors, int length) {
        int cols = length + 2;
        StringBuilder sb = new StringBuilder();
        sb.append("#".repeat(cols));
        for (int k = 0; k < corridors; k++) {
            sb.append("/#").append(k == 0 ? "R" : ".").append(".".repeat(length - 2)).append("G#");
            if (k == corridors - 1) {
                break;
            }
            sb.append("/#.").append("#".repeat(length - 1)).append('#');
            StringBuilder pockets = new StringBuilder("#.#");
            for (int c = 3; c < cols; c++) {
                pockets.append(c % 2 == 1 ? '.' : '#');
            }
            pockets.setCharAt(cols - 1, '#');
            pockets.setCharAt(cols - 2, '#');
            sb.append('/').append(pockets);
            sb.append("/#.").append("#".repeat(length - 1)).append('#');
        }
        sb.append('/').append("#".repeat(cols));
        return sb.toString();
    }

    @Test
    void combLayoutHasSealedPockets() {
        MazeLayout comb = MazeLayout.parse(combLayout(3, 30));
        int[] dist = comb.pathDistances();
        int pockets = 0;
        for (int r = 0; r < comb.rows(); r++) {
            for (int c = 0; c < comb.cols(); c++) {
                if (!comb.isWall(r, c) && dist[r * comb.cols() + c] < 0) {
                    pockets++;
                }
            }
        }
        assertThat(pockets).isGreaterThan(20);
    }

    @Test
    void randomAndAdversarialActionsNeverPutTheBallIntoOrThroughAWall() {
        for (EnvFactory f : PointMazes.factories()) {
            if (f.spec().id().endsWith("_eval")) {
                continue; // same walls as the training layout
            }
            PointMaze env = (PointMaze) f.create(1, POOL, ResetMode.SAME_START);
            run(env.layout(), 128, 1500, 17, false);
        }
        double top = run(MazeLayout.parse(combLayout(3, 30)), 128, 3000, 18, false);
        // the motors alone drove balls fast enough that substeps were cut into several moves
        assertThat(top).isGreaterThan(PointMaze.MAX_MOVE / PointMaze.DT);
    }

    @Test
    void absurdSpeedsNeverTunnel() {
        // Far beyond what the motors reach in these mazes: every substep is cut into many short moves.
        run(MazeLayout.parse(combLayout(3, 30)), 256, 60, 19, true);
        run(MazeLayout.HARDEST, 256, 60, 20, true);
    }

    /**
     * Runs {@code n} balls for {@code steps} steps under a mix of policies and checks, after every step, that the
     * ball overlaps no wall, sits in an open cell reachable from R, and moved between cells only through open ones.
     * Returns the top speed seen.
     */
    private static double run(MazeLayout layout, int n, int steps, long seed, boolean absurdSpeeds) {
        EnvSpec spec = PointMazes.of("wall_test", "wall test", layout).spec().withEpisodeLength(1_000_000);
        PointMaze env = new PointMaze(spec, layout, n, POOL, ResetMode.SAME_START);
        env.reset(seed);
        Rng rng = new Rng(seed);
        int[] reach = layout.pathDistances();
        int cols = layout.cols();
        float[] a = new float[2 * n];
        int[] hold = new int[n];
        double[] targetX = new double[n];
        double[] targetY = new double[n];
        int[] prevR = new int[n];
        int[] prevC = new int[n];
        double maxSpeed = 0;
        if (absurdSpeeds) {
            for (int i = 0; i < n; i++) {
                // a random reachable open cell, anywhere in it, at 100–1000 m/s in a random direction
                int r;
                int c;
                do {
                    r = 1 + rng.nextInt(layout.rows() - 2);
                    c = 1 + rng.nextInt(cols - 2);
                } while (reach[r * cols + c] < 0);
                double speed = 100 + 900 * rng.nextDouble();
                double ang = 2 * Math.PI * rng.nextDouble();
                env.setBall(i, 4 * r + 3.5 * (rng.nextDouble() - 0.5), 4 * c + 3.5 * (rng.nextDouble() - 0.5),
                        speed * Math.cos(ang), speed * Math.sin(ang));
            }
        }
        for (int i = 0; i < n; i++) {
            prevR[i] = cellOf(env.ballX(i));
            prevC[i] = cellOf(env.ballY(i));
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                int policy = i % 4;
                if (hold[i]-- <= 0) {
                    hold[i] = 1 + rng.nextInt(policy == 3 ? 20 : 300);
                    targetX[i] = 4 * layout.rows() * rng.nextDouble();
                    targetY[i] = 4 * cols * rng.nextDouble();
                    a[2 * i] = rng.nextFloat() < 0.5f ? -1f : 1f;
                    a[2 * i + 1] = rng.nextFloat() < 0.5f ? -1f : 1f;
                }
                switch (policy) {
                    case 0 -> { // uniform noise every step
                        a[2 * i] = 2 * rng.nextFloat() - 1;
                        a[2 * i + 1] = 2 * rng.nextFloat() - 1;
                    }
                    case 1 -> { } // full thrust into a corner, held for up to 300 steps
                    case 2 -> { // full thrust straight at a random point, walls in the way or not
                        double dx = targetX[i] - env.ballX(i);
                        double dy = targetY[i] - env.ballY(i);
                        double m = Math.max(Math.abs(dx), Math.abs(dy)) + 1e-9;
                        a[2 * i] = (float) (dx / m);
                        a[2 * i + 1] = (float) (dy / m);
                    }
                    default -> { } // bang-bang, flipping every 1–20 steps
                }
            }
            env.step(a);
            for (int i = 0; i < n; i++) {
                double x = env.ballX(i);
                double y = env.ballY(i);
                maxSpeed = Math.max(maxSpeed, Math.hypot(env.ballVx(i), env.ballVy(i)));
                int r = cellOf(x);
                int c = cellOf(y);
                double pen = PointMaze.penetration(layout, x, y);
                if (!(pen <= PENETRATION_TOL) || layout.isWall(r, c) || reach[r * cols + c] < 0) {
                    fail("env %d step %d: ball at (%.6f, %.6f) in cell (%d, %d), penetration %.3g, previous cell"
                            + " (%d, %d)", i, t, x, y, r, c, pen, prevR[i], prevC[i]);
                }
                if (!absurdSpeeds) {
                    // at motor speeds a step moves less than a cell: only to a neighbour, diagonally only past
                    // an open side cell
                    int dr = r - prevR[i];
                    int dc = c - prevC[i];
                    boolean ok = Math.abs(dr) <= 1 && Math.abs(dc) <= 1
                            && (dr == 0 || dc == 0 || !layout.isWall(prevR[i] + dr, prevC[i])
                                || !layout.isWall(prevR[i], prevC[i] + dc));
                    if (!ok) {
                        fail("env %d step %d: jumped from cell (%d, %d) to (%d, %d)", i, t, prevR[i], prevC[i], r, c);
                    }
                }
                prevR[i] = r;
                prevC[i] = c;
            }
        }
        if (!absurdSpeeds) {
            // the motors' own speeds stay where one step moves less than a cell
            assertThat(maxSpeed).isLessThan(60);
        }
        return maxSpeed;
    }

    private static int cellOf(double coordinate) {
        return (int) Math.floor(coordinate / PointMaze.CELL_SIZE + 0.5);
    }
}
