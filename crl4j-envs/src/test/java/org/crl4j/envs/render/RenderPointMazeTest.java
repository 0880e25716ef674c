package org.crl4j.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.envs.render.Pixels.at;
import static org.crl4j.envs.render.Pixels.rgb;

import java.awt.image.BufferedImage;

import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.PointMaze;
import org.crl4j.envs.maze.PointMazeRenderer;
import org.junit.jupiter.api.Test;

/**
 * The point-maze picture, pixel by pixel: layout row i is pixel row band i (world x down), column j pixel column band
 * j (world y right), so world (x, y) is drawn at image (cx + y·s, cy + x·s) with s pixels per metre and (cx, cy) the
 * centre of cell (0, 0). The hardest maze is used because it is neither square nor symmetric: a transposed or
 * mirrored projection cannot pass.
 */
class RenderPointMazeTest {

    private static final MazeLayout M = MazeLayout.HARDEST; // 9 rows × 12 columns
    private static final int SIZE = 1200;                  // 100 px per 4 m cell: 25 px per metre
    private static final double S = SIZE / (M.cols() * PointMaze.CELL_SIZE);
    private static final double C = SIZE / (2.0 * M.cols()); // image x (and y) of cell (0, 0)'s centre

    private static final int WALL = rgb(PointMazeRenderer.WALL);
    private static final int BALL = rgb(PointMazeRenderer.BALL);
    private static final int GOAL = rgb(PointMazeRenderer.GOAL);

    /** A 6-float observation row (x, y, vx, vy, goal x, goal y), preceded by {@code off} junk floats. */
    private static float[] row(int off, double x, double y, double gx, double gy) {
        float[] obs = new float[off + 6];
        java.util.Arrays.fill(obs, 0, off, 1e6f);
        obs[off] = (float) x;
        obs[off + 1] = (float) y;
        obs[off + 2] = 3f;
        obs[off + 3] = -2f;
        obs[off + 4] = (float) gx;
        obs[off + 5] = (float) gy;
        return obs;
    }

    private static double imageX(double worldY) {
        return C + worldY * S;
    }

    private static double imageY(double worldX) {
        return C + worldX * S;
    }

    @Test
    void theImageIsAsWideAsAskedAndAsHighAsTheMazesAspect() {
        for (MazeLayout m : new MazeLayout[] {MazeLayout.U, MazeLayout.U4, MazeLayout.U5, MazeLayout.HARDEST}) {
            PointMazeRenderer r = new PointMazeRenderer(m);
            for (int size : new int[] {1, 37, 240, 601}) {
                float[] obs = row(0, 4.0 * m.startRow(), 4.0 * m.startCol(), 4.0 * m.goalRow(0), 4.0 * m.goalCol(0));
                BufferedImage img = r.render(obs, 0, size);
                long height = Math.max(1, Math.round((double) size * m.rows() / m.cols()));
                assertThat(img.getWidth()).as("%s at %d px", m, size).isEqualTo(size);
                assertThat(img.getHeight()).as("%s at %d px", m, size).isEqualTo(height).isEqualTo(r.heightFor(size));
            }
        }
    }

    @Test
    void everyCellCentreHasTheColourOfItsLayoutCell() {
        // ball and goal inside two open cells, (3, 2) and (7, 9); those two cells' centres are not sampled
        BufferedImage img = new PointMazeRenderer(M).render(row(3, 12.8, 6.8, 28.3, 36.6), 3, SIZE);
        assertThat(img.getHeight()).isEqualTo(900);
        int walls = 0;
        for (int i = 0; i < M.rows(); i++) {
            for (int j = 0; j < M.cols(); j++) {
                if (i == 3 && j == 2 || i == 7 && j == 9) {
                    continue;
                }
                int expected = M.isWall(i, j) ? WALL
                        : i == M.startRow() && j == M.startCol() ? rgb(PointMazeRenderer.START_CELL)
                        : M.isGoal(i, j) ? rgb(PointMazeRenderer.GOAL_CELL) : rgb(PointMazeRenderer.FLOOR);
                // the centre of cell (i, j) is world (4i, 4j)
                assertThat(at(img, imageX(4.0 * j), imageY(4.0 * i))).as("centre of cell (%d, %d)", i, j)
                        .isEqualTo(expected);
                walls += M.isWall(i, j) ? 1 : 0;
            }
        }
        assertThat(walls).isGreaterThan(40);
        // a wall and an open cell side by side: the colour changes at the cell edge (row 1: "#RGGG#GGGGG#")
        assertThat(at(img, 4.5 * 100 + 2, 150)).isEqualTo(rgb(PointMazeRenderer.GOAL_CELL));
        assertThat(at(img, 5 * 100 + 2, 150)).isEqualTo(WALL);
        assertThat(at(img, 6 * 100 - 2, 150)).isEqualTo(WALL);
        assertThat(at(img, 6 * 100 + 2, 150)).isEqualTo(rgb(PointMazeRenderer.GOAL_CELL));
    }

    @Test
    void theBallIsDrawnToScaleAtItsProjectedPositionAndMovesWithTheState() {
        PointMazeRenderer r = new PointMazeRenderer(M);
        double[][] balls = {{12.8, 6.8}, {13.8, 6.8}, {12.8, 7.8}, {20.0, 17.5}};
        for (double[] b : balls) {
            BufferedImage img = r.render(row(0, b[0], b[1], 28.3, 36.6), 0, SIZE);
            double[] c = Pixels.centroid(img, p -> p == BALL);
            assertThat(c[1]).as("ball %s: image x", java.util.Arrays.toString(b)).isCloseTo(imageX(b[1]), within(0.5));
            assertThat(c[2]).as("ball %s: image y", java.util.Arrays.toString(b)).isCloseTo(imageY(b[0]), within(0.5));
            // radius 0.25 m: 6.25 px; the solid (not antialiased) part has about π r² pixels
            double area = Math.PI * Math.pow(PointMaze.RADIUS * S, 2);
            assertThat(c[0]).isBetween(0.7 * area, 1.2 * area);
            assertThat(at(img, imageX(b[1]), imageY(b[0]))).isEqualTo(BALL);
            assertThat(at(img, imageX(b[1]) + 0.5 * S, imageY(b[0]))).isNotEqualTo(BALL);
            assertThat(at(img, imageX(b[1]), imageY(b[0]) + 0.5 * S)).isNotEqualTo(BALL);
        }
    }

    @Test
    void theGoalMarkerIsTheHalfMetreSuccessCircleAroundTheGoal() {
        PointMazeRenderer r = new PointMazeRenderer(M);
        for (double[] g : new double[][] {{28.3, 36.6}, {4.0, 16.0}, {21.0, 25.5}}) {
            BufferedImage img = r.render(row(0, 12.8, 6.8, g[0], g[1]), 0, SIZE);
            double gx = imageX(g[1]);
            double gy = imageY(g[0]);
            double[] c = Pixels.centroid(img, p -> Pixels.distance(p, GOAL) <= 40);
            assertThat(c[1]).as("goal %s: image x", java.util.Arrays.toString(g)).isCloseTo(gx, within(0.5));
            assertThat(c[2]).as("goal %s: image y", java.util.Arrays.toString(g)).isCloseTo(gy, within(0.5));
            assertThat(at(img, gx, gy)).isEqualTo(GOAL); // the centre dot
            for (double[] d : new double[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                // on the 0.5 m circle, and nothing of the marker between the dot and the circle
                assertThat(Pixels.distance(at(img, gx + d[0] * 0.5 * S, gy + d[1] * 0.5 * S), GOAL))
                        .as("goal circle at %s", java.util.Arrays.toString(d)).isLessThanOrEqualTo(40);
                assertThat(at(img, gx + d[0] * 0.3 * S, gy + d[1] * 0.3 * S)).isNotEqualTo(GOAL);
                assertThat(at(img, gx + d[0] * 0.7 * S, gy + d[1] * 0.7 * S)).isNotEqualTo(GOAL);
            }
        }
    }

    @Test
    void theScaleBarIsOneCellLongInTheBottomWall() {
        BufferedImage img = new PointMazeRenderer(M).render(row(0, 12.8, 6.8, 28.3, 36.6), 0, SIZE);
        int white = rgb(PointMazeRenderer.SCALE);
        double barY = 800 + 0.72 * 100; // bottom wall row spans pixel rows [800, 900)
        for (int x = 105; x <= 195; x += 10) {
            assertThat(at(img, x, barY)).as("bar at x %d", x).isEqualTo(white);
            assertThat(at(img, x, barY - 20)).isEqualTo(WALL);
        }
        // it starts at the second column's edge (100 px) and spans 4 m = 100 px: the ticks are there
        assertThat(at(img, 100, barY - 8)).isEqualTo(white);
        assertThat(at(img, 200, barY - 8)).isEqualTo(white);
        assertThat(at(img, 150, barY - 8)).isEqualTo(WALL);
    }
}
