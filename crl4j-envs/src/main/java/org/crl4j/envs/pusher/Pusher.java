package org.crl4j.envs.pusher;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.MjcfReader;
import org.crl4j.envs.spring.SpringEnv;
import org.crl4j.envs.spring.SpringSystem;

/**
 * The pusher that wang-kevin3290/scaling-crl trains on Brax's spring pipeline ({@code envs/pusher.py},
 * {@code Pusher(backend="spring")}, kind "easy"; JaxGCRL's {@code pusher_easy}/{@code pusher_hard} are the same task),
 * N at a time: a 7-joint arm on a table pushes a 1 kg capsule to a goal. Brax's {@code pusher.xml} (v0.12.1: gravity
 * 0, every spring mass 1, vel_damping −1), 50 substeps of 0.001 s, the motors' gear 20 (the file's 1 replaced, as
 * upstream), controls clipped to [−2, 2], so an action in [−1, 1] is at most 20 N·m.
 *
 * <p>State (20): the 7 hinge angles (shoulder pan, shoulder lift, upper-arm roll, elbow flex, forearm roll, wrist flex,
 * wrist roll), the "tip" (the centre of mass of {@code r_wrist_flex_link}, i.e. the wrist joint, as upstream), the
 * object's centre of mass (x, y, z) and the 7 hinge rates. Goal (3): the goal marker's x, y, z, matched against
 * state[10:13]; success within 0.1 in 3-D (the goal sits 0.048 below the object's height, so the object must come
 * within 0.088 in x-y). No termination; 1000 steps.
 *
 * <p>Reset (upstream's, quirks included): the arm at q = 0 with rates U(−0.005, 0.005); object offset
 * (U(−0.3, 0), U(−0.2, 0.2)), easy goal offset (U(−0.3, 0) − 0.25, U(−0.2, 0.2)), hard (U(−0.65, 0.35),
 * U(−0.55, 0.45)); when the two offsets are closer than 0.17 the object's offset is scaled by 0.17 / distance; the first
 * component of each offset goes to the y slide (the joints are listed y first), so it is a y offset.
 *
 * <p>Where this differs from upstream: success and distance are measured after the step (upstream computes them on the
 * state before it); the physics is this port's spring pipeline, with the link–link contacts of the wrist and the
 * object ({@code SpringSystem.compile(..., true)}), float64, not a Brax run.
 */
public final class Pusher extends SpringEnv {

    public static final int STATE_DIM = 20;
    public static final int GOAL_DIM = 3;
    public static final int ACTION_DIM = 7;
    public static final float SUCCESS_THRESHOLD = 0.1f;
    public static final int EPISODE_LENGTH = 1000;
    public static final double TIMESTEP = 0.001;
    public static final int SUBSTEPS = 50;
    /** The spring backend's motor gear. */
    public static final double GEAR = 20;
    static final double MIN_SEPARATION = 0.17;
    static final double RATE_NOISE = 0.005;

    /** Where goals are drawn. */
    public enum Kind { EASY, HARD }

    private final Kind kind;
    private final int tip, object;
    private final double[] goalBase; // the goal body's position at q = 0

    public Pusher(EnvSpec spec, Kind kind, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(spec, SpringSystem.compile(model(), TIMESTEP, SUBSTEPS, true), numEnvs, pool, resetMode);
        this.kind = kind;
        if (qSize != 11 || system.numMotors() != ACTION_DIM || system.markers().size() != 1
                || system.contacts().numPairs() != 3) {
            throw new IllegalArgumentException("not the pusher model: q " + qSize + ", motors " + system.numMotors()
                    + ", link pairs " + system.contacts().numPairs());
        }
        this.tip = system.link("r_wrist_flex_link");
        this.object = system.link("object");
        this.goalBase = system.markers().get(0).pos().clone();
    }

    /** Brax's pusher.xml with the spring backend's gear on every motor. */
    static MjcfModel model() {
        double[] gears = new double[ACTION_DIM];
        java.util.Arrays.fill(gears, GEAR);
        return MjcfReader.resource(Pusher.class, "pusher.xml").withGears(gears);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    protected void sampleStart(int env, Rng rng) {
        double cy = -0.3 + (0.3 - 1e-6) * rng.nextDouble();
        double cx = -0.2 + 0.4 * rng.nextDouble();
        double gy, gx;
        if (kind == Kind.EASY) {
            gy = -0.3 + (0.3 - 1e-6) * rng.nextDouble() - 0.25;
            gx = -0.2 + 0.4 * rng.nextDouble();
        } else {
            gy = -0.65 + rng.nextDouble();
            gx = -0.55 + rng.nextDouble();
        }
        double norm = Math.hypot(cy - gy, cx - gx);
        if (norm < MIN_SEPARATION) {
            // upstream scales the object's offset, not the object-goal gap
            cy *= MIN_SEPARATION / norm;
            cx *= MIN_SEPARATION / norm;
        }
        double[] q0 = new double[qSize];
        q0[7] = cy; // obj_slidey
        q0[8] = cx; // obj_slidex
        q0[9] = gy; // goal_slidey
        q0[10] = gx; // goal_slidex
        double[] qd0 = new double[qdSize];
        for (int k = 0; k < 7; k++) {
            qd0[k] = -RATE_NOISE + 2 * RATE_NOISE * rng.nextDouble();
        }
        place(env, q0, qd0);
    }

    @Override
    protected void writeState(int env, float[] out, int off) {
        for (int k = 0; k < 7; k++) {
            out[off + k] = (float) q(env, k);
            out[off + 13 + k] = (float) qd(env, k);
        }
        out[off + 7] = (float) batch.comX(env, tip);
        out[off + 8] = (float) batch.comY(env, tip);
        out[off + 9] = (float) batch.comZ(env, tip);
        out[off + 10] = (float) batch.comX(env, object);
        out[off + 11] = (float) batch.comY(env, object);
        out[off + 12] = (float) batch.comZ(env, object);
    }

    @Override
    protected void writeGoal(int env, float[] out, int off) {
        // the goal's slides: y first, then x (its geom sits at the body origin)
        out[off] = (float) (goalBase[0] + q(env, 10));
        out[off + 1] = (float) (goalBase[1] + q(env, 9));
        out[off + 2] = (float) goalBase[2];
    }

    @Override
    public SceneRenderer renderer() {
        return new PusherRenderer(system);
    }
}
