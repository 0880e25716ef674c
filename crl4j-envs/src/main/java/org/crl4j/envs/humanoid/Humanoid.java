package org.crl4j.envs.humanoid;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.SpringEnv;
import org.crl4j.envs.spring.SpringSystem;

/**
 * JaxGCRL's humanoid tasks ({@code jaxgcrl/envs/humanoid.py}, {@code humanoid_maze.py}) on Brax's spring pipeline,
 * N at a time. Control step 10 × 0.0015 s; actions in [−1, 1] are mapped to the motors' control range [−0.4, 0.4]
 * ({@code (a + 1)·(hi − lo)/2 + lo}) and drive 17 motors with the spring gears of {@link HumanoidArena}.
 *
 * <p>State (268), as JaxGCRL's {@code _get_obs} without its last three entries:
 * <ol>
 *   <li>q (26): torso x, y, z, orientation w, x, y, z, the 17 hinge angles (abdomen z, y, x, right hip x, z, y,
 *   right knee, left hip x, z, y, left knee, right shoulder 1, 2, right elbow, left shoulder 1, 2, left elbow), and
 *   the target's x, y (the goal is part of the state, as upstream);</li>
 *   <li>qd (25), the target's two rates included (always 0 here);</li>
 *   <li>com inertia (12 × 10): per link (the 11 body links, then the target) the 3 × 3 inertia about the whole
 *   system's centre of mass, {@code I + m(|p|²·1 − p pᵀ)} (unit rotational inertia, spring_inertia_scale 1), and m;
 *   the centre of mass counts the target's 1 kg, as upstream;</li>
 *   <li>com velocity (12 × 6): per link m·v/M (v the link's centre-of-mass velocity, M the total mass) and ω;</li>
 *   <li>actuator forces (25): gear·clip(control) on each motor's degree of freedom, 0 elsewhere (0 after a
 *   reset).</li>
 * </ol>
 * Goal (3): the target's x, y and 1.25 (JaxGCRL's TARGET_Z_COORD), matched against the torso's x, y, z
 * (state[0:3]); success within 0.5. An episode terminates when the torso's z leaves [1.0, 2.0] and is truncated
 * after 1000 steps. Reset: JaxGCRL's reset_noise_scale is 0, so every episode starts from the model's qpos0 (torso
 * at (0, 0, 1.4), every hinge at 0, at rest), in a maze moved to the start cell; only the goal is drawn.
 *
 * <p>Where this differs from upstream: the target is a fixed marker (see the spring package notes), so its rates
 * and its com-velocity rows are exactly 0 where Brax's sag by a fraction of a millimetre under gravity; and the
 * physics is this port's spring pipeline (contacts of its own, float64), not a Brax run.
 */
public final class Humanoid extends SpringEnv {

    public static final int STATE_DIM = 268;
    public static final int GOAL_DIM = 3;
    public static final int ACTION_DIM = 17;
    /** goal_reach_thresh. */
    public static final float SUCCESS_THRESHOLD = 0.5f;
    public static final int EPISODE_LENGTH = 1000;
    /** JaxGCRL's spring-backend overrides: opt.timestep 0.0015 and n_frames 10. */
    public static final double TIMESTEP = 0.0015;
    public static final int SUBSTEPS = 10;
    /** healthy_z_range. */
    public static final double MIN_Z = 1.0;
    public static final double MAX_Z = 2.0;
    /** TARGET_Z_COORD: "very close to the z coordinate of the humanoid torso when it is standing straight". */
    public static final double TARGET_Z = 1.25;

    static final int Q = 26, QD = 25, LINKS = 12;
    static final int QD_OFF = Q, CINERT_OFF = Q + QD, CVEL_OFF = CINERT_OFF + 10 * LINKS, QFRC_OFF = CVEL_OFF + 6 * LINKS;

    private final HumanoidArena arena;
    private final double[][] linkScratch; // one per chunk: 9 per body link
    private final double targetMass;
    private final double totalMass; // the body links' and the target's
    private final double[] ctrlLo, ctrlHi;
    private final float[] ctrl;  // [N × 17] the controls handed to the physics (action mapped to the control range)
    private final double[] lastCtrl; // [N × 17] the same values, kept for the observation (and checkpoints)

    public Humanoid(EnvSpec spec, HumanoidArena arena, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(spec, SpringSystem.compile(arena.model(), TIMESTEP, SUBSTEPS), numEnvs, pool, resetMode);
        this.arena = arena;
        if (qSize != Q || qdSize != QD || system.numMotors() != ACTION_DIM
                || system.numLinks() != LINKS - 1 || system.markers().size() != 1) {
            throw new IllegalArgumentException("not the humanoid model: q " + qSize + ", qd " + qdSize
                    + ", motors " + system.numMotors() + ", links " + system.numLinks());
        }
        this.linkScratch = new double[chunks()][9 * (LINKS - 1)];
        this.targetMass = targetMass(arena.model());
        double total = targetMass;
        for (int l = 0; l < LINKS - 1; l++) {
            total += system.mass(l);
        }
        this.totalMass = total;
        this.ctrlLo = new double[ACTION_DIM];
        this.ctrlHi = new double[ACTION_DIM];
        for (int a = 0; a < ACTION_DIM; a++) {
            MjcfModel.Motor m = arena.model().motors().get(a);
            ctrlLo[a] = m.ctrlLo();
            ctrlHi[a] = m.ctrlHi();
        }
        this.ctrl = new float[numEnvs * ACTION_DIM];
        this.lastCtrl = new double[numEnvs * ACTION_DIM];
    }

    private static double targetMass(MjcfModel m) {
        for (MjcfModel.Body b : m.bodies()) {
            if (b.name().equals("target")) {
                double mass = 0;
                for (MjcfModel.Geom g : b.geoms()) {
                    mass += g.mass();
                }
                if (!(mass > 0)) {
                    throw new IllegalArgumentException("the humanoid's target needs a geom with an explicit mass");
                }
                return mass;
            }
        }
        throw new IllegalArgumentException("the humanoid model has no 'target' body");
    }

    public HumanoidArena arena() {
        return arena;
    }

    /** Places environment env at (q, qd) directly, at rest controls; for tests and tools. */
    @Override
    public void setState(int env, double[] newQ, double[] newQd) {
        java.util.Arrays.fill(lastCtrl, env * ACTION_DIM, (env + 1) * ACTION_DIM, 0.0);
        place(env, newQ, newQd);
    }

    // ---- VecEnv hooks -------------------------------------------------------------------------------------------

    @Override
    protected void sampleStart(int env, Rng rng) {
        double[] q0 = system.initQ();
        arena.place(rng, q0);
        java.util.Arrays.fill(lastCtrl, env * ACTION_DIM, (env + 1) * ACTION_DIM, 0.0);
        place(env, q0, new double[QD]);
    }

    @Override
    protected void simulate(float[] actions, int from, int to) {
        for (int e = from; e < to; e++) {
            for (int a = 0; a < ACTION_DIM; a++) {
                int k = e * ACTION_DIM + a;
                ctrl[k] = (float) ((actions[k] + 1.0) * (ctrlHi[a] - ctrlLo[a]) * 0.5 + ctrlLo[a]);
                lastCtrl[k] = ctrl[k];
            }
        }
        stepPhysics(ctrl, from, to);
    }

    @Override
    protected void writeState(int env, float[] out, int off) {
        for (int k = 0; k < Q; k++) {
            out[off + k] = (float) q(env, k);
        }
        for (int k = 0; k < QD; k++) {
            out[off + QD_OFF + k] = (float) qd(env, k);
        }
        double[] links = linkScratch[env / ENVS_PER_TASK];
        batch.readLinkStates(env, links, 0);
        int body = LINKS - 1;
        // the whole system's centre of mass, the target included
        double tx = q(env, Q - 2), ty = q(env, Q - 1);
        double msum = totalMass, cx = targetMass * tx, cy = targetMass * ty, cz = targetMass * TARGET_Z;
        for (int l = 0; l < body; l++) {
            double m = system.mass(l);
            cx += m * links[9 * l];
            cy += m * links[9 * l + 1];
            cz += m * links[9 * l + 2];
        }
        cx /= msum;
        cy /= msum;
        cz /= msum;
        for (int l = 0; l < LINKS; l++) {
            boolean target = l == body;
            double m = target ? targetMass : system.mass(l);
            double px = (target ? tx : links[9 * l]) - cx;
            double py = (target ? ty : links[9 * l + 1]) - cy;
            double pz = (target ? TARGET_Z : links[9 * l + 2]) - cz;
            double pp = px * px + py * py + pz * pz;
            int o = off + CINERT_OFF + 10 * l;
            out[o] = (float) (1 + m * (pp - px * px));
            out[o + 1] = (float) (m * -(px * py));
            out[o + 2] = (float) (m * -(px * pz));
            out[o + 3] = (float) (m * -(py * px));
            out[o + 4] = (float) (1 + m * (pp - py * py));
            out[o + 5] = (float) (m * -(py * pz));
            out[o + 6] = (float) (m * -(pz * px));
            out[o + 7] = (float) (m * -(pz * py));
            out[o + 8] = (float) (1 + m * (pp - pz * pz));
            out[o + 9] = (float) m;
            int v = off + CVEL_OFF + 6 * l;
            for (int k = 0; k < 3; k++) {
                out[v + k] = target ? 0f : (float) (m * links[9 * l + 3 + k] / msum);
                out[v + 3 + k] = target ? 0f : (float) links[9 * l + 6 + k];
            }
        }
        int f = off + QFRC_OFF;
        java.util.Arrays.fill(out, f, f + QD, 0f);
        for (int m = 0; m < ACTION_DIM; m++) {
            double c = lastCtrl[env * ACTION_DIM + m];
            c = c < ctrlLo[m] ? ctrlLo[m] : c > ctrlHi[m] ? ctrlHi[m] : c;
            out[f + system.motorDof(m)] += (float) (system.gear(m) * c);
        }
    }

    @Override
    protected void writeGoal(int env, float[] out, int off) {
        out[off] = (float) q(env, Q - 2);
        out[off + 1] = (float) q(env, Q - 1);
        out[off + 2] = (float) TARGET_Z;
    }

    @Override
    protected boolean isTerminal(int env) {
        double z = q(env, 2);
        return z < MIN_Z || z > MAX_Z || z != z;
    }

    @Override
    protected double[][] taskState() {
        return new double[][] {lastCtrl};
    }

    @Override
    public SceneRenderer renderer() {
        return new HumanoidRenderer(system, arena.layout());
    }
}
