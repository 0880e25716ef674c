package org.crl4j.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.envs.render.Pixels.at;
import static org.crl4j.envs.render.Pixels.colour;

import java.awt.image.BufferedImage;

import org.crl4j.envs.reacher.ReacherGeometry;
import org.crl4j.envs.reacher.ReacherRenderer;
import org.junit.jupiter.api.Test;

/**
 * The reacher seen from above, pixel by pixel: the view spans ±0.34 m, world x to the right and world y up, so at
 * 680 px world (x, y) is image (340 + 1000·x, 340 − 1000·y).
 */
class RenderReacherTest {

    private static final int SIZE = 680;
    private static final double S = SIZE / 0.68; // pixels per metre

    private static final int FLOOR = colour(ReacherRenderer.class, "FLOOR");
    private static final int WALL = colour(ReacherRenderer.class, "WALL");
    private static final int DISC = colour(ReacherRenderer.class, "SUCCESS_DISC");
    private static final int TARGET = colour(ReacherRenderer.class, "TARGET");
    private static final int ARM = colour(ReacherRenderer.class, "ARM");
    private static final int FOREARM = colour(ReacherRenderer.class, "FOREARM");
    private static final int FINGERTIP = colour(ReacherRenderer.class, "FINGERTIP");

    private static double ix(double x) {
        return SIZE / 2.0 + x * S;
    }

    private static double iy(double y) {
        return SIZE / 2.0 - y * S;
    }

    /** The observation row (state 10 ‖ goal 3) of shoulder angle q0, elbow angle q1 and goal (gx, gy). */
    private static float[] row(double q0, double q1, double gx, double gy) {
        double tx = ReacherGeometry.ELBOW * Math.cos(q0) + ReacherGeometry.TIP * Math.cos(q0 + q1);
        double ty = ReacherGeometry.ELBOW * Math.sin(q0) + ReacherGeometry.TIP * Math.sin(q0 + q1);
        return new float[] {
            (float) Math.cos(q0), (float) Math.cos(q1), (float) Math.sin(q0), (float) Math.sin(q1),
            (float) tx, (float) ty, 0.01f, 0.3f, -0.2f, 0f, (float) gx, (float) gy, 0.01f};
    }

    @Test
    void theImageIsSquareOfTheRequestedSize() {
        ReacherRenderer r = new ReacherRenderer();
        for (int size : new int[] {8, 64, 301}) {
            BufferedImage img = r.render(row(0.3, 0.4, 0.1, 0.1), 0, size);
            assertThat(img.getWidth()).isEqualTo(size);
            assertThat(img.getHeight()).isEqualTo(size);
        }
        assertThatThrownBy(() -> r.render(row(0, 0, 0, 0), 0, 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theArenaWallsRunAlongTheSidesOfTheSquare() {
        BufferedImage img = new ReacherRenderer().render(row(2.0, -1.2, 0.15, -0.05), 0, SIZE);
        double a = ReacherGeometry.ARENA_HALF;
        for (double t = -0.28; t <= 0.28; t += 0.04) {
            assertThat(at(img, ix(a), iy(t))).as("right wall at y %.2f", t).isEqualTo(WALL);
            assertThat(at(img, ix(-a), iy(t))).as("left wall at y %.2f", t).isEqualTo(WALL);
            assertThat(at(img, ix(t), iy(a))).as("top wall at x %.2f", t).isEqualTo(WALL);
            assertThat(at(img, ix(t), iy(-a))).as("bottom wall at x %.2f", t).isEqualTo(WALL);
        }
        for (double t = -0.24; t <= 0.24; t += 0.04) {
            // just inside the walls (capsules of radius 0.02): floor
            assertThat(at(img, ix(a - 0.03), iy(t))).as("inside the right wall at y %.2f", t).isEqualTo(FLOOR);
            assertThat(at(img, ix(t), iy(-a + 0.03))).as("inside the bottom wall at x %.2f", t).isEqualTo(FLOOR);
        }
    }

    @Test
    void theTargetAndItsSuccessDiscAreDrawnAtTheGoal() {
        ReacherRenderer r = new ReacherRenderer();
        // the arm points away from each goal so that it covers none of it
        double[][] cases = {{0.15, -0.05, 2.0}, {-0.05, 0.17, -1.0}, {0.21, 0.12, -2.5}};
        for (double[] c : cases) {
            double gx = c[0];
            double gy = c[1];
            BufferedImage img = r.render(row(c[2], 0.3, gx, gy), 0, SIZE);
            double[] t = Pixels.centroid(img, p -> p == TARGET);
            assertThat(t[1]).as("target (%.2f, %.2f): image x", gx, gy).isCloseTo(ix(gx), within(0.5));
            assertThat(t[2]).as("target (%.2f, %.2f): image y", gx, gy).isCloseTo(iy(gy), within(0.5));
            double area = Math.PI * Math.pow(ReacherGeometry.TARGET_RADIUS * S, 2);
            assertThat(t[0]).isBetween(0.7 * area, 1.2 * area);
            // the success disc has radius 0.05 (the task's threshold) around it
            for (double[] d : new double[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                assertThat(at(img, ix(gx + 0.045 * d[0]), iy(gy + 0.045 * d[1]))).isEqualTo(DISC);
                assertThat(at(img, ix(gx + 0.055 * d[0]), iy(gy + 0.055 * d[1]))).isEqualTo(FLOOR);
            }
        }
    }

    @Test
    void bothLinksFollowTheJointAnglesAndTheFingertipIsWhereTheObservationPutsIt() {
        ReacherRenderer r = new ReacherRenderer();
        // angles chosen so that no link lies along a diagonal: a mirrored or transposed picture cannot pass
        double[][] poses = {{2.0, -1.2}, {0.5, 1.5}, {-1.9, -0.6}, {-0.4, 2.4}};
        for (double[] q : poses) {
            float[] obs = row(q[0], q[1], -0.25, 0.25);
            BufferedImage img = r.render(obs, 0, SIZE);
            double ex = ReacherGeometry.ELBOW * Math.cos(q[0]);
            double ey = ReacherGeometry.ELBOW * Math.sin(q[0]);
            for (double s = 0.025; s <= 0.08; s += 0.011) {
                double x0 = s * Math.cos(q[0]);
                double y0 = s * Math.sin(q[0]);
                assertThat(at(img, ix(x0), iy(y0))).as("link 0 of %s at %.3f", java.util.Arrays.toString(q), s)
                        .isEqualTo(ARM);
                assertThat(at(img, ix(y0), iy(x0))).as("transposed link 0 of %s at %.3f", java.util.Arrays.toString(q), s).isNotEqualTo(ARM);
                assertThat(at(img, ix(x0), iy(-y0))).as("mirrored link 0 of %s at %.3f", java.util.Arrays.toString(q), s).isNotEqualTo(ARM);
                double x1 = ex + s * Math.cos(q[0] + q[1]);
                double y1 = ey + s * Math.sin(q[0] + q[1]);
                assertThat(at(img, ix(x1), iy(y1))).as("link 1 of %s at %.3f", java.util.Arrays.toString(q), s)
                        .isEqualTo(FOREARM);
            }
            double[] tip = Pixels.centroid(img, p -> p == FINGERTIP);
            assertThat(tip[1]).as("fingertip x of %s", java.util.Arrays.toString(q)).isCloseTo(ix(obs[4]), within(0.5));
            assertThat(tip[2]).as("fingertip y of %s", java.util.Arrays.toString(q)).isCloseTo(iy(obs[5]), within(0.5));
        }
    }

    @Test
    void readsTheRowAtTheGivenOffset() {
        float[] a = row(2.0, -1.2, 0.15, -0.05);
        float[] b = row(-0.4, 2.4, -0.05, 0.17);
        float[] both = new float[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        ReacherRenderer r = new ReacherRenderer();
        BufferedImage expected = r.render(b, 0, 200);
        BufferedImage actual = r.render(both, a.length, 200);
        assertThat(Pixels.centroidOfDifference(expected, actual)[0]).isZero();
    }
}
