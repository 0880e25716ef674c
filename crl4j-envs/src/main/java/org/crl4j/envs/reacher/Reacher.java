package org.crl4j.envs.reacher;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.SceneRenderer;

/**
 * JaxGCRL's {@code reacher}: a 2-link planar arm whose fingertip must reach a target. Two physics engines share
 * this task definition: {@link SpringReacher} (Brax's spring pipeline, what the paper trained on; the default) and
 * {@link ArticulatedReacher} (exact minimal-coordinate dynamics).
 *
 * <p>State (10): cos q0, cos q1, sin q0, sin q1 (shoulder angle, elbow angle relative to link 0), fingertip
 * position x, y, z, and "tip velocity" x, y, z. Goal (3): the target position x, y, z, compared with state[4:7].
 * The tip velocity is JaxGCRL's: the velocity of link 1's origin (the elbow) plus ω₁ × (0.11, 0, 0) with the
 * offset taken in world axes, i.e. (v_elbow,x, v_elbow,y + 0.11·ω₁, v_elbow,z); it equals the true fingertip
 * velocity only when link 1 points along +x.
 *
 * <p>Reset: both joint angles U(−0.1, 0.1), joint velocities U(−0.005, 0.005), target at radius U(0, 0.2) and
 * angle U(0, 2π) (uniform radius, so not uniform over the disc), at height 0.01, at rest.
 */
public abstract class Reacher extends VecEnv {

    /** JaxGCRL's reacher: 10-d state, goal = fingertip xyz, 2 torques, success within 0.05, 1000-step episodes. */
    public static final EnvSpec SPEC = new EnvSpec("reacher",
            "2-link planar arm, fingertip to a target within 0.05 (Brax spring physics, as in the paper)",
            10, new int[] {4, 5, 6}, 2, 0.05f, 1000);

    /** Half-width of the uniform noise on the initial joint angles (around Brax's init_qpos 0, 0). */
    public static final double ANGLE_NOISE = 0.1;
    /** Half-width of the uniform noise on the initial joint velocities. */
    public static final double VELOCITY_NOISE = 0.005;
    /** Largest target radius; the radius itself is uniform in [0, this). */
    public static final double TARGET_MAX_RADIUS = 0.2;

    protected final double[] targetX;
    protected final double[] targetY;
    /** Target height: constant 0.01 for rigid physics; sags under gravity on its joint spring in the spring one. */
    protected final double[] targetZ;

    protected Reacher(EnvSpec spec, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(checked(spec), numEnvs, pool, resetMode);
        targetX = new double[numEnvs];
        targetY = new double[numEnvs];
        targetZ = new double[numEnvs];
    }

    private static EnvSpec checked(EnvSpec spec) {
        if (spec.stateDim() != SPEC.stateDim() || spec.actionDim() != SPEC.actionDim()
                || !java.util.Arrays.equals(spec.goalIndices(), SPEC.goalIndices())) {
            throw new IllegalArgumentException("not a reacher spec: " + spec);
        }
        return spec;
    }

    @Override
    protected final void sampleStart(int env, Rng rng) {
        double q0 = ANGLE_NOISE * (2 * rng.nextDouble() - 1);
        double q1 = ANGLE_NOISE * (2 * rng.nextDouble() - 1);
        double qd0 = VELOCITY_NOISE * (2 * rng.nextDouble() - 1);
        double qd1 = VELOCITY_NOISE * (2 * rng.nextDouble() - 1);
        double radius = TARGET_MAX_RADIUS * rng.nextDouble();
        double angle = 2 * Math.PI * rng.nextDouble();
        targetX[env] = radius * Math.cos(angle);
        targetY[env] = radius * Math.sin(angle);
        targetZ[env] = ReacherGeometry.HEIGHT;
        place(env, q0, q1, qd0, qd1);
    }

    /** Puts environment {@code env}'s arm, rigid and in its plane, at joint angles q and joint velocities qd. */
    protected abstract void place(int env, double q0, double q1, double qd0, double qd1);

    @Override
    protected void writeGoal(int env, float[] out, int off) {
        out[off] = (float) targetX[env];
        out[off + 1] = (float) targetY[env];
        out[off + 2] = (float) targetZ[env];
    }

    @Override
    public SceneRenderer renderer() {
        return new ReacherRenderer();
    }

    /** Mechanical energy of environment {@code env} (kinetic plus spring and gravity potentials), in joules. */
    public abstract double energy(int env);

    /**
     * Elbow angle beyond its ±3 rad range (0 inside), from the angle's cosine and sine, the angle taken in (−π, π]
     * as Brax's inverse kinematics reports it. Branch-free so that the physics loops stay straight-line code.
     */
    static double elbowExcess(double cosQ, double sinQ) {
        // outside the range |q| = π − asin|sin q| with |sin q| < sin 3 ≈ 0.141, where this series of asin is
        // exact to 1e-11; inside the range the value is masked out
        double a = Math.abs(sinQ);
        double a2 = a * a;
        double asin = a * (1.0 + a2 * (1.0 / 6 + a2 * (3.0 / 40 + a2 * (5.0 / 112 + a2 * (35.0 / 1152)))));
        double over = (Math.PI - ReacherGeometry.ELBOW_LIMIT) - asin;
        double outside = cosQ < COS_LIMIT ? over : 0.0;
        return sinQ < 0 ? -outside : outside;
    }

    static final double COS_LIMIT = Math.cos(ReacherGeometry.ELBOW_LIMIT);
}
