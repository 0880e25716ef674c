package org.crl4j.envs.spring;

import org.crl4j.core.Rng;
import org.crl4j.envs.ant.MazeArena;
import org.crl4j.envs.maze.MazeLayout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vectorised step ({@link LaneDynamics}, four environments per block) against the scalar reference
 * ({@link SpringBatch#stepReference}): identical states, including ants thrown against maze walls (the scalar
 * box-contact path inside a vector block), and independent of how the environments are split into calls.
 */
class LaneDynamicsTest {

    /** Child JVM: steps thrown ants 30 times and prints whether the Vector API was on and a hash of every state bit. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("simd=" + org.crl4j.core.Simd.ENABLED + " hash=" + stateHash());
        }

        static long stateHash() {
            SpringSystem sys = SpringSystem.compile(new MazeArena(MazeLayout.U).model(), 0.005, 10);
            int n = 6;
            SpringBatch b = thrownAnts(sys, n);
            Object ws = b.newWorkspace();
            Rng rng = new Rng(3);
            float[] ctrl = new float[n * 8];
            double[] q = new double[n * sys.qSize()], qd = new double[n * sys.qdSize()];
            long h = 17;
            for (int t = 0; t < 30; t++) {
                for (int i = 0; i < ctrl.length; i++) {
                    ctrl[i] = (float) (2 * rng.nextDouble() - 1);
                }
                b.step(ctrl, 8, 0, n, ws, q, qd);
                for (double v : q) {
                    h = 31 * h + Double.doubleToLongBits(v);
                }
            }
            for (double[] a : b.arrays()) {
                for (double v : a) {
                    h = 31 * h + Double.doubleToLongBits(v);
                }
            }
            return h;
        }
    }

    /** -Dcrl4j.simd=false, and a JVM without the Vector API module, step by the scalar reference: the same bits. */
    @Test
    void theSimdSwitchAndAMissingModuleGiveTheScalarPathWithTheSameBits() throws Exception {
        String here = "simd=" + org.crl4j.core.Simd.ENABLED + " hash=" + Probe.stateHash();
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        String off = run(javaBin, "--add-modules", "jdk.incubator.vector", "-Dcrl4j.simd=false", "-cp", cp, Probe.class.getName());
        String none = run(javaBin, "-cp", cp, Probe.class.getName());
        String hash = here.substring(here.indexOf(" hash="));
        assertThat(off).isEqualTo("simd=false" + hash);
        assertThat(none).isEqualTo("simd=false" + hash);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("simd=")).findFirst().orElse(out);
    }

    static SpringBatch thrownAnts(SpringSystem sys, int n) {
        return thrown(sys, n, 4, 0.1); // the R cell of the U maze; walls 2 m away at x = 2, y = 2 and x = 6
    }

    /**
     * n copies of a model whose root is a free joint and whose last two coordinates are the target marker's: the
     * initial pose plus noise of ±{@code noise} on every q, random joint rates, the root at (at, at) thrown in every
     * direction at 4 m/s.
     */
    static SpringBatch thrown(SpringSystem sys, int n, double at, double noise) {
        SpringBatch b = new SpringBatch(sys, n);
        Rng rng = new Rng(5);
        for (int e = 0; e < n; e++) {
            double[] q = sys.initQ();
            double[] qd = new double[sys.qdSize()];
            for (int k = 0; k < q.length; k++) {
                q[k] += noise * (2 * rng.nextDouble() - 1);
            }
            q[0] = at;
            q[1] = at;
            double a = 2 * Math.PI * e / n;
            qd[0] = 4 * Math.cos(a);
            qd[1] = 4 * Math.sin(a);
            for (int k = 2; k < qd.length - 2; k++) {
                qd[k] = 0.5 * rng.nextGaussian();
            }
            b.reset(e, q, qd);
        }
        return b;
    }

    /** Every state array of {@code actual} equals the reference's, entry for entry. */
    static void assertSameStates(SpringBatch actual, SpringBatch reference, String what) {
        double[][] a = actual.arrays(), r = reference.arrays();
        for (int k = 0; k < a.length; k++) {
            for (int i = 0; i < a[k].length; i++) {
                assertThat(a[k][i] == r[k][i]).as("%s: array %d entry %d: %s vs %s", what, k, i, a[k][i], r[k][i])
                        .isTrue();
            }
        }
    }

    /**
     * q and qd of every environment from the step's lanewise inverse kinematics ({@code qAll}, {@code qdAll}) equal
     * the scalar reference's (readState, readQ and readQd), bit for bit.
     */
    static void assertInverseIsTheReference(SpringBatch b, Object ws, double[] qAll, double[] qdAll) {
        SpringSystem sys = b.system();
        int qs = sys.qSize(), qds = sys.qdSize();
        double[] q1 = new double[qs], qd1 = new double[qds], q2 = new double[qs], qd2 = new double[qds];
        for (int e = 0; e < b.numEnvs(); e++) {
            b.readQ(e, q1, 0);
            b.readQd(e, qd1, 0);
            b.readState(e, q2, 0, qd2, 0, ws);
            assertThat(q2).as("env %d: readState's q", e).containsExactly(q1);
            assertThat(qd2).as("env %d: readState's qd", e).containsExactly(qd1);
            assertThat(java.util.Arrays.copyOfRange(qAll, e * qs, (e + 1) * qs)).as("env %d: q", e).containsExactly(q1);
            assertThat(java.util.Arrays.copyOfRange(qdAll, e * qds, (e + 1) * qds)).as("env %d: qd", e)
                    .containsExactly(qd1);
        }
    }

    @Test
    void vectorStepEqualsTheScalarReferenceExactly() {
        SpringSystem sys = SpringSystem.compile(new MazeArena(MazeLayout.U).model(), 0.005, 10);
        int n = 11; // two full blocks and a partial one
        SpringBatch vec = thrownAnts(sys, n);
        SpringBatch ref = thrownAnts(sys, n);
        SpringBatch split = thrownAnts(sys, n);
        Object ws = vec.newWorkspace();
        Object ws2 = split.newWorkspace();
        Rng rng = new Rng(9);
        float[] ctrl = new float[n * 8];
        for (int t = 0; t < 60; t++) {
            for (int i = 0; i < ctrl.length; i++) {
                ctrl[i] = (float) (2 * rng.nextDouble() - 1);
            }
            vec.step(ctrl, 8, 0, n, ws);
            ref.stepReference(ctrl, 8, 0, n);
            split.step(ctrl, 8, 0, 3, ws2);
            split.step(ctrl, 8, 3, 9, ws2);
            split.step(ctrl, 8, 9, n, ws2);
        }
        assertSameStates(vec, ref, "vector");
        assertSameStates(split, ref, "split");
        // the walls did act: no torso got through the wall cells around the R cell (x, y within [2, 6])
        for (int e = 0; e < n; e++) {
            assertThat(vec.comX(e, 0)).isBetween(2.0, 6.0); // rows 0 and 2 of column 1 are walls
            assertThat(vec.comY(e, 0)).isBetween(2.0, 14.0); // column 0 is wall, columns 2, 3 open
        }
        // the step that also returns q and qd (lanewise inverse kinematics) equals readState, readQ and readQd
        double[] qAll = new double[n * sys.qSize()], qdAll = new double[n * sys.qdSize()];
        vec.step(ctrl, 8, 0, n, ws, qAll, qdAll);
        assertInverseIsTheReference(vec, ws, qAll, qdAll);
    }
}
