package org.crl4j.envs.reacher;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.core.Parallel;
import org.crl4j.envs.VecEnv.ResetMode;
import org.crl4j.envs.render.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReacherRendererTest {

    /** An observation row for shoulder angle q0, elbow angle q1 and a goal at (gx, gy). */
    static float[] row(double q0, double q1, double gx, double gy) {
        double x = 0.1 * Math.cos(q0) + 0.11 * Math.cos(q0 + q1);
        double y = 0.1 * Math.sin(q0) + 0.11 * Math.sin(q0 + q1);
        return new float[] {
            (float) Math.cos(q0), (float) Math.cos(q1), (float) Math.sin(q0), (float) Math.sin(q1),
            (float) x, (float) y, 0.01f, 0f, 0f, 0f, (float) gx, (float) gy, 0.01f};
    }

    static int pixel(BufferedImage img, double x, double y) {
        int size = img.getWidth();
        double scale = size / (2 * ReacherRenderer.VIEW_HALF);
        return img.getRGB((int) ReacherRenderer.px(x, scale, size), (int) ReacherRenderer.py(y, scale, size))
                & 0xFFFFFF;
    }

    @Test
    void drawsArmTargetAndFloorAtTheRequestedSize() {
        ReacherRenderer r = new ReacherRenderer();
        float[] obs = row(0.4, 1.0, -0.15, -0.1);
        BufferedImage img = r.render(obs, 0, 240);
        assertThat(img.getWidth()).isEqualTo(240);
        assertThat(img.getHeight()).isEqualTo(240);
        int arm = ReacherRenderer.ARM.getRGB() & 0xFFFFFF;
        // middle of link 0 and of link 1
        assertThat(pixel(img, 0.05 * Math.cos(0.4), 0.05 * Math.sin(0.4))).isEqualTo(arm);
        double ex = 0.1 * Math.cos(0.4), ey = 0.1 * Math.sin(0.4);
        assertThat(pixel(img, ex + 0.05 * Math.cos(1.4), ey + 0.05 * Math.sin(1.4)))
                .isEqualTo(ReacherRenderer.FOREARM.getRGB() & 0xFFFFFF);
        // fingertip, target, success disc, floor
        assertThat(pixel(img, obs[4], obs[5])).isEqualTo(ReacherRenderer.FINGERTIP.getRGB() & 0xFFFFFF);
        assertThat(pixel(img, -0.15, -0.1)).isEqualTo(ReacherRenderer.TARGET.getRGB() & 0xFFFFFF);
        assertThat(pixel(img, -0.15 + 0.035, -0.1)).isEqualTo(ReacherRenderer.SUCCESS_DISC.getRGB() & 0xFFFFFF);
        assertThat(pixel(img, 0.2, -0.2)).isEqualTo(ReacherRenderer.FLOOR.getRGB() & 0xFFFFFF);
        assertThat(pixel(img, 0.3, 0.0)).isEqualTo(ReacherRenderer.WALL.getRGB() & 0xFFFFFF);
    }

    @Test
    void theArmMovesWithTheObservation() {
        ReacherRenderer r = new ReacherRenderer();
        BufferedImage a = r.render(row(0.0, 0.0, 0.0, 0.15), 0, 120);
        BufferedImage b = r.render(row(Math.PI / 2, 0.0, 0.0, 0.15), 0, 120);
        int arm = ReacherRenderer.ARM.getRGB() & 0xFFFFFF;
        assertThat(pixel(a, 0.05, 0.0)).isEqualTo(arm);
        assertThat(pixel(b, 0.05, 0.0)).isNotEqualTo(arm);
        assertThat(pixel(b, 0.0, 0.05)).isEqualTo(arm);
    }

    @Test
    void rendersRowsOfARealRolloutAtAnOffset(@TempDir Path dir) throws Exception {
        try (Parallel pool = new Parallel(1)) {
            SpringReacher env = new SpringReacher(3, pool, ResetMode.SAME_START);
            env.reset(1);
            float[] act = {0.3f, -0.2f, 0.1f, 0.5f, -0.4f, 0.2f};
            for (int t = 0; t < 20; t++) {
                env.step(act);
            }
            BufferedImage img = env.renderer().render(env.observations(), 2 * 13, 64);
            assertThat(img.getWidth()).isEqualTo(64);
            Path png = dir.resolve("reacher.png");
            Images.writePng(img, png);
            assertThat(Files.size(png)).isPositive();
        }
        assertThatThrownBy(() -> new ReacherRenderer().render(new float[13], 0, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
