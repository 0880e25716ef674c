package org.crl4j.envs.spring;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.pusher.Pusher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crl4j.envs.spring.LaneDynamicsTest.assertInverseIsTheReference;
import static org.crl4j.envs.spring.LaneDynamicsTest.assertSameStates;

/**
 * The pusher's slide link (its object) and link–link contacts (the wrist against the object) in the vectorised
 * step: {@link LaneDynamics} with {@link SlideLanes} and {@link PairLanes} against the scalar reference
 * ({@link SpringBatch#stepReference}) bit for bit, under random actions on both tasks' start distributions with
 * resets in between, and with the wrist pushing the object; and the whole task with the Vector API switched off
 * gives the same observations.
 */
class PusherLanesTest {

    private static final int N = 7; // a full block of four and a partial one of three
    private static final int MOTORS = 7;

    /** Child JVM: runs the pusher task past an episode's end and prints whether SIMD was on and a hash of it. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("simd=" + org.crl4j.core.Simd.ENABLED + " hash=" + taskHash());
        }

        /** 6 pusher_hard environments, 1010 steps of random actions (auto-resets at 1000): observations, states. */
        static long taskHash() {
            int n = 6;
            VecEnv env = Envs.make("pusher_hard", n, 8, new Parallel(1), VecEnv.ResetMode.RESAMPLE);
            Rng rng = new Rng(12);
            float[] act = new float[n * MOTORS];
            long h = 17;
            for (int t = 0; t < 1010; t++) {
                for (int i = 0; i < act.length; i++) {
                    act[i] = (float) (2 * rng.nextDouble() - 1);
                }
                env.step(act);
                for (float v : env.observations()) {
                    h = 31 * h + Float.floatToIntBits(v);
                }
            }
            for (double[] a : ((Pusher) env).batch().arrays()) {
                for (double v : a) {
                    h = 31 * h + Double.doubleToLongBits(v);
                }
            }
            return h;
        }
    }

    @Test
    void theTaskWithTheVectorApiOffGivesTheSameBits() throws Exception {
        String here = "simd=" + org.crl4j.core.Simd.ENABLED + " hash=" + Probe.taskHash();
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-Dcrl4j.simd=false", "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String off = out.lines().filter(l -> l.startsWith("simd=")).findFirst().orElse(out);
        assertThat(off).isEqualTo("simd=false" + here.substring(here.indexOf(" hash=")));
    }

    @Test
    void bothTasksStepAsTheScalarReferenceUnderRandomActionsAndResets() {
        for (String id : new String[] {"pusher", "pusher_hard"}) {
            Pusher env = (Pusher) Envs.make(id, N, 31, new Parallel(1), VecEnv.ResetMode.SAME_START);
            SpringSystem sys = env.system();
            // a pool of start states from the task's own distribution: the first N start the run, the rest come in
            // as resets of single environments along the way
            double[][][] starts = new double[3 * N][][];
            for (int round = 0; round < 3; round++) {
                env.reset(31 + round);
                for (int e = 0; e < N; e++) {
                    starts[round * N + e] = state(env, e);
                }
            }
            Run run = new Run(sys);
            for (int e = 0; e < N; e++) {
                run.reset(e, starts[e]);
            }
            Rng rng = new Rng(id.length());
            int next = N;
            for (int t = 0; t < 120; t++) {
                if (t % 15 == 14) { // an environment of either block restarts, the last one (the padding's source) too
                    run.reset(t % 30 == 14 ? N - 1 : (t / 15) % N, starts[next++ % starts.length]);
                }
                run.step(rng, 1.0, id + ", step " + t);
            }
        }
    }

    @Test
    void theWristPushingTheObjectStepsAsTheScalarReference() {
        Pusher env = (Pusher) Envs.make("pusher", 1, 1, new Parallel(1), VecEnv.ResetMode.SAME_START);
        SpringSystem sys = env.system();
        assertThat(sys.contacts().numPairs()).isEqualTo(3);
        assertThat(sys.slideLinks).isTrue();
        int wrist = sys.link("r_wrist_roll_link"), obj = sys.link("object");
        Run run = new Run(sys);
        // as PusherPhysicsTest: the shoulder lift lowers the wrist's fork to the object's height; each object is
        // thrown at the fork from 15 cm beyond its prongs, a little to either side, at its own speed
        Rng rng = new Rng(6);
        for (int e = 0; e < N; e++) {
            double[] q = new double[sys.qSize()], qd = new double[sys.qdSize()];
            q[1] = 0.36 + 0.02 * (2 * rng.nextDouble() - 1);
            run.ref.reset(e, q, qd);
            double[] tip = run.ref.linkPoint(e, wrist, new double[] {0.1, 0, 0});
            q[8] = tip[0] + 0.15 - 0.45;
            q[7] = tip[1] + 0.05 + 0.06 * (2 * rng.nextDouble() - 1);
            qd[8] = -(0.3 + 0.5 * rng.nextDouble());
            qd[7] = 0.1 * (2 * rng.nextDouble() - 1);
            run.reset(e, new double[][] {q, qd});
        }
        int[] pushes = kicks(run, obj, 40, 0.3, "push");
        for (int e = 0; e < N; e++) {
            assertThat(pushes[e]).as("steps on which the wrist pushed object %d", e).isPositive();
        }
    }

    @Test
    void objectsPastTheirSlidesRangeStepAsTheScalarReference() {
        Pusher env = (Pusher) Envs.make("pusher", 1, 1, new Parallel(1), VecEnv.ResetMode.SAME_START);
        SpringSystem sys = env.system();
        int obj = sys.link("object");
        assertThat(sys.limitHi(obj, 1)).isEqualTo(10.3); // obj_slidex's range: [−10.3213, 10.3]
        Run run = new Run(sys);
        // each object past one end of one slide (0.01 to 0.07 m), or inside its range (the last), at rest
        for (int e = 0; e < N; e++) {
            double[] q = new double[sys.qSize()], qd = new double[sys.qdSize()];
            double past = 0.01 * (e + 1);
            int slide = e % 2 == 0 ? 8 : 7, k = slide - 7; // obj_slidex, obj_slidey
            q[slide] = e == N - 1 ? 1 : e % 4 < 2 ? sys.limitHi(obj, k) + past : sys.limitLo(obj, k) - past;
            run.reset(e, new double[][] {q, qd});
        }
        int[] pulls = kicks(run, obj, 20, 1.0, "limits");
        for (int e = 0; e < N; e++) {
            assertThat(pulls[e] > 0).as("the slide limit pulled object %d", e).isEqualTo(e != N - 1);
        }
    }

    /**
     * Steps {@code run} with random controls ({@code scale} of the motors' range); per environment, the number of
     * steps on which the object's x-y velocity changed by more than the velocity damping: where a contact or a slide
     * limit acted on it (nothing else pushes it in x-y).
     */
    private static int[] kicks(Run run, int obj, int steps, double scale, String what) {
        int nl = run.sys.numLinks();
        Rng rng = new Rng(what.length());
        int[] kicks = new int[N];
        double f = Math.pow(Math.exp(-Pusher.TIMESTEP), Pusher.SUBSTEPS); // the velocity damping over one step
        for (int t = 0; t < steps; t++) {
            double[] vx = new double[N], vy = new double[N];
            for (int e = 0; e < N; e++) {
                vx[e] = run.ref.vx[e * nl + obj];
                vy[e] = run.ref.vy[e * nl + obj];
            }
            run.step(rng, scale, what + ", step " + t);
            for (int e = 0; e < N; e++) {
                double dx = run.ref.vx[e * nl + obj] - vx[e] * f, dy = run.ref.vy[e * nl + obj] - vy[e] * f;
                if (Math.hypot(dx, dy) > 1e-6) {
                    kicks[e]++;
                }
            }
        }
        return kicks;
    }

    /** Environment e's q and qd as its task placed them. */
    private static double[][] state(Pusher env, int e) {
        double[] q = new double[env.system().qSize()], qd = new double[env.system().qdSize()];
        for (int k = 0; k < q.length; k++) {
            q[k] = env.q(e, k);
        }
        for (int k = 0; k < qd.length; k++) {
            qd[k] = env.qd(e, k);
        }
        return new double[][] {q, qd};
    }

    /**
     * N environments three times: stepped lanewise with q and qd (all at once), lanewise in uneven calls, and by
     * the scalar reference; compared bit for bit after every step.
     */
    private static final class Run {
        final SpringSystem sys;
        final SpringBatch vec, split, ref;
        final Object ws, ws2;
        final double[] q, qd;

        Run(SpringSystem sys) {
            this.sys = sys;
            vec = new SpringBatch(sys, N);
            split = new SpringBatch(sys, N);
            ref = new SpringBatch(sys, N);
            ws = vec.newWorkspace();
            ws2 = split.newWorkspace();
            q = new double[N * sys.qSize()];
            qd = new double[N * sys.qdSize()];
        }

        void reset(int e, double[][] state) {
            vec.reset(e, state[0], state[1]);
            split.reset(e, state[0], state[1]);
            ref.reset(e, state[0], state[1]);
        }

        void step(Rng rng, double scale, String what) {
            float[] ctrl = new float[N * MOTORS];
            for (int i = 0; i < ctrl.length; i++) {
                ctrl[i] = (float) (scale * 2 * (2 * rng.nextDouble() - 1)); // the motors' range is [−2, 2]
            }
            vec.step(ctrl, MOTORS, 0, N, ws, q, qd);
            split.step(ctrl, MOTORS, 0, 2, ws2);
            split.step(ctrl, MOTORS, 2, N, ws2);
            ref.stepReference(ctrl, MOTORS, 0, N);
            assertSameStates(vec, ref, what);
            assertSameStates(split, ref, "split, " + what);
            assertInverseIsTheReference(vec, ws, q, qd);
        }
    }
}
