package org.crl4j.envs.pusher;

import java.awt.image.BufferedImage;
import java.io.IOException;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.GoldenTrajectory;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The pusher tasks' interface: shapes, the 20-dim state, upstream's reset distributions, golden states, pictures. */
class PusherEnvTest {

    static final int DIM = Pusher.STATE_DIM + Pusher.GOAL_DIM;

    @Test
    void bothPusherTasksAreRegisteredWithScalingCrlsShape() {
        for (String id : new String[] {"pusher", "pusher_hard"}) {
            EnvSpec s = Envs.spec(id);
            assertThat(s.stateDim()).isEqualTo(20);
            assertThat(s.goalIndices()).containsExactly(10, 11, 12);
            assertThat(s.actionDim()).isEqualTo(7);
            assertThat(s.successThreshold()).isEqualTo(0.1f);
            assertThat(s.episodeLength()).isEqualTo(1000);
        }
    }

    @Test
    void theStateIsAnglesTipObjectAndRatesThenTheGoal() {
        Pusher env = (Pusher) Envs.make("pusher", 5, 3, new Parallel(1), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(1);
        float[] a = new float[5 * 7];
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(a);
        }
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        float[] obs = env.observations();
        int tip = s.link("r_wrist_flex_link"), obj = s.link("object");
        for (int e = 0; e < 5; e++) {
            int o = e * DIM;
            for (int k = 0; k < 7; k++) {
                assertThat(obs[o + k]).isEqualTo((float) env.q(e, k));
                assertThat(obs[o + 13 + k]).isEqualTo((float) env.qd(e, k));
            }
            assertThat(obs[o + 7]).isEqualTo((float) b.comX(e, tip));
            assertThat(obs[o + 9]).isEqualTo((float) b.comZ(e, tip));
            assertThat(obs[o + 10]).isEqualTo((float) b.comX(e, obj));
            assertThat(obs[o + 11]).isEqualTo((float) b.comY(e, obj));
            // the goal marker: its body (0.45, −0.05, −0.323) moved by its slides, y first
            assertThat(obs[o + 20]).isEqualTo((float) (0.45 + env.q(e, 10)));
            assertThat(obs[o + 21]).isEqualTo((float) (-0.05 + env.q(e, 9)));
            assertThat(obs[o + 22]).isEqualTo(-0.323f);
        }
    }

    @Test
    void resetsFollowUpstreamsDistributionsQuirksIncluded() {
        int n = 2000;
        for (String id : new String[] {"pusher", "pusher_hard"}) {
            Pusher env = (Pusher) Envs.make(id, n, 5, new Parallel(1), VecEnv.ResetMode.SAME_START);
            boolean hard = id.equals("pusher_hard");
            int rescaled = 0;
            for (int e = 0; e < n; e++) {
                double cy = env.q(e, 7), cx = env.q(e, 8), gy = env.q(e, 9), gx = env.q(e, 10);
                if (hard) {
                    assertThat(gy).isBetween(-0.65, 0.35);
                    assertThat(gx).isBetween(-0.55, 0.45);
                } else {
                    assertThat(gy).isBetween(-0.55, -0.25);
                    assertThat(gx).isBetween(-0.2, 0.2);
                }
                boolean inBox = cy >= -0.3 && cy < 0 && cx >= -0.2 && cx <= 0.2;
                if (!inBox) {
                    rescaled++;
                }
                for (int k = 0; k < 7; k++) {
                    assertThat(env.q(e, k)).isCloseTo(0.0, within(1e-12));
                    assertThat(Math.abs(env.qd(e, k))).isLessThanOrEqualTo(0.005 + 1e-12);
                }
            }
            // upstream scales the object's offset when it lies within 0.17 of the goal's: 13.7 % (easy) and 9.1 %
            // (hard) of resets in a 10^6-draw simulation; some of those stay inside the box
            double share = (double) rescaled / n;
            assertThat(share).as(id).isBetween(hard ? 0.02 : 0.04, hard ? 0.12 : 0.16);
        }
    }

    @Test
    void matchesTheRecordedReferenceTrajectory() throws IOException {
        int n = 6;
        VecEnv env = Envs.make("pusher", n, 2024, new Parallel(1), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(77);
        float[] act = new float[n * 7];
        for (int t = 0; t < 60; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(act);
        }
        Pusher p = (Pusher) env;
        double[][] out = new double[n][22];
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < 11; k++) {
                out[e][k] = p.q(e, k);
                out[e][11 + k] = p.qd(e, k);
            }
        }
        GoldenTrajectory.check(PusherEnvTest.class, "pusher", out, 1e-9);
    }

    @Test
    void thePictureShowsTheObjectAndTheGoal() {
        VecEnv env = Envs.make("pusher", 1, 2);
        float[] obs = env.observations();
        BufferedImage img = env.renderer().render(obs, 0, 260);
        assertThat(img.getWidth()).isEqualTo(260);
        // 200 px per metre from x −0.25 (down), y −1.05 (right): the object's centre pixel is red
        int px = (int) Math.round((obs[11] + 1.05) * 200), py = (int) Math.round((obs[10] + 0.25) * 200);
        int rgb = img.getRGB(px, py) & 0xffffff;
        assertThat((rgb >> 16) & 0xff).isGreaterThan(180);
        assertThat(rgb & 0xff).isLessThan(90);
    }
}
