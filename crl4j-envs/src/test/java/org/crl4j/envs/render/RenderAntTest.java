package org.crl4j.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.envs.render.Pixels.at;
import static org.crl4j.envs.render.Pixels.rgb;

import java.awt.Color;
import java.awt.image.BufferedImage;

import org.crl4j.envs.Envs;
import org.crl4j.envs.ant.Ant;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.PointMazeRenderer;
import org.junit.jupiter.api.Test;

/**
 * The ant from above, pixel by pixel. Both arenas draw world x down and world y to the right: world (x, y) is image
 * (cx + y·s, cy + x·s). With every joint at 0 the legs are flat at the torso's height, so the whole body has one
 * shade (the renderer's height shading) and its feet lie at the torso ± (0.8, 0.8) m, which makes the expected
 * picture computable by hand.
 */
class RenderAntTest {

    private static final int GOAL = rgb(PointMazeRenderer.GOAL);

    /** The renderer's shade of a body part at height z (brighter when higher). */
    private static int shade(double z) {
        float t = (float) Math.max(0, Math.min(1, z));
        return rgb(new Color(0.45f + 0.45f * t, 0.25f + 0.3f * t, 0.15f + 0.2f * t));
    }

    /**
     * An observation row (29 state ‖ 2 goal): torso at (x, y, z) turned by {@code yaw} about the vertical, hip_1 at
     * {@code hip1}, every other joint at 0, at rest.
     */
    private static float[] row(double x, double y, double z, double yaw, double hip1, double gx, double gy) {
        float[] obs = new float[Ant.STATE_DIM + 2];
        obs[0] = (float) x;
        obs[1] = (float) y;
        obs[2] = (float) z;
        obs[3] = (float) Math.cos(yaw / 2); // quaternion w, x, y, z
        obs[6] = (float) Math.sin(yaw / 2);
        obs[7] = (float) hip1;              // hip_1, then ankle_1, hip_2, ... (all 0)
        obs[Ant.STATE_DIM] = (float) gx;
        obs[Ant.STATE_DIM + 1] = (float) gy;
        return obs;
    }

    private static boolean near(int a, int b) {
        return Pixels.distance(a, b) <= 2;
    }

    // ---- the open arena: the view spans [-12, 12] m both ways -------------------------------------------------------

    private static final int OPEN = 960;
    private static final double OS = OPEN / 24.0; // 40 px per metre
    private static final double OC = 12 * OS;     // image position of world 0

    private static double ox(double worldY) {
        return OC + worldY * OS;
    }

    private static double oy(double worldX) {
        return OC + worldX * OS;
    }

    @Test
    void openArenaImageHasTheRequestedSize() {
        SceneRenderer r = Envs.make("ant", 1, 2).renderer();
        for (int size : new int[] {1, 120, 301}) {
            BufferedImage img = r.render(row(3, -5, 0.75, 0, 0, -6, 8), 0, size);
            assertThat(img.getWidth()).isEqualTo(size);
            assertThat(img.getHeight()).isEqualTo(size);
        }
    }

    @Test
    void theBodyIsDrawnAtTheProjectedTorsoAndMovesWithIt() {
        SceneRenderer r = Envs.make("ant", 1, 2).renderer();
        double z = 0.75;
        int body = shade(z);
        double[][] torsos = {{3, -5}, {4, -5}, {3, -4}, {-7.5, 6.25}};
        for (double[] t : torsos) {
            BufferedImage img = r.render(row(t[0], t[1], z, 0, 0, -6, 8), 0, OPEN);
            String what = "torso at " + java.util.Arrays.toString(t);
            double[] c = Pixels.centroid(img, p -> near(p, body));
            assertThat(c[1]).as(what + ": image x").isCloseTo(ox(t[1]), within(0.75));
            assertThat(c[2]).as(what + ": image y").isCloseTo(oy(t[0]), within(0.75));
            assertThat(at(img, ox(t[1]), oy(t[0]))).as(what + ": torso centre").matches(p -> near(p, body));
            for (double[] d : new double[][] {{0.8, 0.8}, {0.8, -0.8}, {-0.8, 0.8}, {-0.8, -0.8}}) {
                assertThat(at(img, ox(t[1] + d[1]), oy(t[0] + d[0]))).as(what + ": foot at +%s",
                        java.util.Arrays.toString(d)).matches(p -> near(p, body));
            }
            // between two feet there is no leg
            for (double[] d : new double[][] {{0.8, 0}, {0, 0.8}, {-0.8, 0}, {0, -0.8}}) {
                assertThat(at(img, ox(t[1] + d[1]), oy(t[0] + d[0]))).as(what + ": between feet at +%s",
                        java.util.Arrays.toString(d)).matches(p -> !near(p, body));
            }
        }
    }

    @Test
    void aBentHipAndATurnedTorsoMoveTheFootWhereForwardKinematicsPutsIt() {
        SceneRenderer r = Envs.make("ant", 1, 2).renderer();
        double z = 0.6;
        int body = shade(z);
        double hip = 0.5;
        // front-left leg: hip at (0.2, 0.2) from the torso, foot a further (0.6, 0.6) turned by the hip about z
        double fx = 0.2 + 0.6 * (Math.cos(hip) - Math.sin(hip));
        double fy = 0.2 + 0.6 * (Math.sin(hip) + Math.cos(hip));
        double tx = -2;
        double ty = 3;
        BufferedImage bent = r.render(row(tx, ty, z, 0, hip, -6, 8), 0, OPEN);
        assertThat(at(bent, ox(ty + fy), oy(tx + fx))).as("bent foot").matches(p -> near(p, body));
        assertThat(at(bent, ox(ty + 0.8), oy(tx + 0.8))).as("unbent foot").matches(p -> !near(p, body));
        assertThat(at(bent, ox(ty - 0.8), oy(tx + 0.8))).as("another foot").matches(p -> near(p, body));

        // the torso turned by 90° about z: (fx, fy) becomes (−fy, fx)
        BufferedImage turned = r.render(row(tx, ty, z, Math.PI / 2, hip, -6, 8), 0, OPEN);
        assertThat(at(turned, ox(ty + fx), oy(tx - fy))).as("turned bent foot").matches(p -> near(p, body));
        assertThat(at(turned, ox(ty + fy), oy(tx + fx))).as("unturned bent foot").matches(p -> !near(p, body));
    }

    @Test
    void theOpenArenaGoalRingIsAtTheGoal() {
        SceneRenderer r = Envs.make("ant", 1, 2).renderer();
        for (double[] g : new double[][] {{-6, 8}, {2, -9}, {7.5, 3}}) {
            BufferedImage img = r.render(row(0, 0, 0.75, 0, 0, g[0], g[1]), 0, OPEN);
            String what = "goal " + java.util.Arrays.toString(g);
            double[] c = Pixels.centroid(img, p -> Pixels.distance(p, GOAL) <= 40);
            assertThat(c[0]).as(what).isPositive();
            assertThat(c[1]).as(what + ": image x").isCloseTo(ox(g[1]), within(0.75));
            assertThat(c[2]).as(what + ": image y").isCloseTo(oy(g[0]), within(0.75));
            // a ring of radius 0.5 m
            assertThat(Pixels.distance(at(img, ox(g[1]) + 0.5 * OS, oy(g[0])), GOAL)).isLessThanOrEqualTo(40);
            assertThat(Pixels.distance(at(img, ox(g[1]), oy(g[0]) - 0.5 * OS), GOAL)).isLessThanOrEqualTo(40);
            assertThat(Pixels.distance(at(img, ox(g[1]) + 0.25 * OS, oy(g[0])), GOAL)).isGreaterThan(40);
        }
    }

    // ---- the U maze: 5 × 5 cells of 4 m; at 400 px, 20 px per metre, cell (0, 0)'s centre at (40, 40) -------------

    @Test
    void inTheMazeWallsGoalAndBodyAreWhereTheLayoutAndTheObservationPutThem() {
        MazeLayout m = MazeLayout.U;
        SceneRenderer r = Envs.make("ant_u_maze", 1, 2).renderer();
        double s = 20;
        double c = 40;
        double z = 0.75;
        int body = shade(z);
        // torso inside cell (3, 2), goal at the centre of cell (1, 3)
        double tx = 12.7;
        double ty = 7.6;
        BufferedImage img = r.render(row(tx, ty, z, 0, 0, 4, 12), 0, 400);
        assertThat(img.getWidth()).isEqualTo(400);
        assertThat(img.getHeight()).isEqualTo(400);
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                if (i == 3 && j == 2 || i == 1 && j == 3) {
                    continue;
                }
                int expected = m.isWall(i, j) ? rgb(PointMazeRenderer.WALL)
                        : i == m.startRow() && j == m.startCol() ? rgb(PointMazeRenderer.START_CELL)
                        : m.isGoal(i, j) ? rgb(PointMazeRenderer.GOAL_CELL) : rgb(PointMazeRenderer.FLOOR);
                assertThat(at(img, c + 4 * j * s, c + 4 * i * s)).as("centre of cell (%d, %d)", i, j)
                        .isEqualTo(expected);
            }
        }
        double[] b = Pixels.centroid(img, p -> near(p, body));
        assertThat(b[1]).as("body: image x").isCloseTo(c + ty * s, within(0.75));
        assertThat(b[2]).as("body: image y").isCloseTo(c + tx * s, within(0.75));
        assertThat(at(img, c + (ty + 0.8) * s, c + (tx - 0.8) * s)).as("a foot").matches(p -> near(p, body));
        double[] g = Pixels.centroid(img, p -> Pixels.distance(p, GOAL) <= 40);
        assertThat(g[1]).as("goal: image x").isCloseTo(c + 12 * s, within(0.75));
        assertThat(g[2]).as("goal: image y").isCloseTo(c + 4 * s, within(0.75));
        assertThat(at(img, c + 12 * s, c + 4 * s)).isEqualTo(GOAL);
    }
}
