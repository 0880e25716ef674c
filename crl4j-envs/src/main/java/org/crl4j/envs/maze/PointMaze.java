package org.crl4j.envs.maze;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.SceneRenderer;

/**
 * JaxGCRL's point-mass maze ({@code simple_*_maze}, {@code jaxgcrl/envs/simple_maze.py} with
 * {@code assets/simple_maze.xml}, Brax "spring" backend): a ball of radius 0.25 m and mass 1 kg slides on two slide
 * joints through a maze of 4 m wall cells; two motors of gear 5 push it along world x and y.
 *
 * <p>State (x, y, vx, vy); goal = (x, y) of the target, indices [0:2]; success when the ball's centre is within 0.5 m
 * of the goal. Control step 0.05 s = 10 substeps of 0.005 s; episodes of 1000 steps, never terminated early.
 * Reset: the ball at the centre of the R cell with velocity 0.1·N(0, 1) per axis, the goal at the centre of a
 * uniformly drawn G cell (no position noise: JaxGCRL overwrites its q noise with the start and the target).
 *
 * <p><b>Physics.</b> Per substep, semi-implicit Euler as in Brax's spring pipeline: v += (5·a / m)·dt, x += v·dt; then
 * wall contacts are resolved at the new position (Brax resolves them just before the position update, from the old
 * position; see the differences below). No damping (the custom {@code vel_damping} is 0 and the slide joints' spring and
 * damping act only across the free axes). Contacts follow Brax's spring impulses with the model's parameters:
 * elasticity 0 (the normal velocity into the wall is removed), Coulomb friction μ = 1 (the tangential impulse is at
 * most μ × the normal impulse, and at most what stops the contact point, whose effective mass includes the ball's
 * spin: 1 + r²·m/I = 1.0625 with the spring backend's unit inertia), applied only above 1e-3 m/s of slip.
 * Where this differs from Brax, on purpose:
 * <ul>
 *   <li>Brax detects a contact only once the ball has penetrated and pushes it out over several substeps
 *   (Baumgarte, erp 0.1); here the ball is projected out at once, so it never sits inside a wall.</li>
 *   <li>The ball's spin (kicked by friction, held back by the joint's angular springs) is not simulated; its only
 *   effect kept is the 1.0625 friction factor above.</li>
 *   <li>Brax averages impulses over simultaneous contacts; here they are resolved one after another, deepest first,
 *   which treats a corner's two walls fully and never makes a bump at the seam of two wall cells.</li>
 * </ul>
 * <b>No tunnelling:</b> a substep's motion is cut into moves of at most {@link #MAX_MOVE} (0.1 m, less than the
 * radius), so the centre can never get inside a wall cell whatever the speed. Contacts cost O(1): only the
 * neighbour cells on the sides the ball reaches over (at most 3) are looked at, none while the ball is wholly inside
 * its own cell.
 */
public final class PointMaze extends VecEnv {

    /** Side of a maze cell in metres (JaxGCRL maze_size_scaling 4.0). */
    public static final double CELL_SIZE = 4.0;
    /** Ball radius (torso_geom sphere size 0.25). */
    public static final double RADIUS = 0.25;
    /** Motor gear: force = 5 N × action. */
    public static final double GEAR = 5.0;
    /** Ball mass: the spring backend with spring_mass_scale 1 gives every link mass 1. */
    public static final double MASS = 1.0;
    /** Physics timestep (opt.timestep replaced by 0.005 for the spring backend). */
    public static final double DT = 0.005;
    /** Substeps per control step (n_frames). */
    public static final int SUBSTEPS = 10;
    /** Geom friction (default class friction 1; MuJoCo combines the pair by max). */
    public static final double FRICTION = 1.0;
    /** Reset velocity noise: qd = 0.1 · N(0, 1). */
    public static final double START_VELOCITY_NOISE = 0.1;
    /** Longest move between contact checks; below the radius, so the centre can never enter a wall. */
    public static final double MAX_MOVE = 0.1;
    /** Ball rotational inertia (spring_inertia_scale 1 gives identity inertia). */
    private static final double INERTIA = 1.0;
    /** Share of the slip that a friction impulse can remove: 1 / (1 + r²·m/I). */
    private static final double SLIP_REMOVED = 1.0 / (1.0 + RADIUS * RADIUS * MASS / INERTIA);
    /** Slip speed below which Brax applies no friction. */
    private static final double MIN_SLIP = 1e-3;
    /** Penetrations below this are rounding, not contact. */
    private static final double CONTACT_EPS = 1e-9;
    private static final double HALF = CELL_SIZE / 2;

    private final MazeLayout layout;
    private final int rows;
    private final int cols;
    private final boolean[] wall;

    // Structure of arrays: one entry per environment.
    private final double[] x;
    private final double[] y;
    private final double[] vx;
    private final double[] vy;
    private final double[] goalX;
    private final double[] goalY;

    public PointMaze(EnvSpec spec, MazeLayout layout, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(checked(spec), numEnvs, pool, resetMode);
        this.layout = layout;
        this.rows = layout.rows();
        this.cols = layout.cols();
        this.wall = layout.wallMask();
        this.x = new double[numEnvs];
        this.y = new double[numEnvs];
        this.vx = new double[numEnvs];
        this.vy = new double[numEnvs];
        this.goalX = new double[numEnvs];
        this.goalY = new double[numEnvs];
    }

    private static EnvSpec checked(EnvSpec spec) {
        if (spec.stateDim() != 4 || spec.actionDim() != 2 || spec.goalDim() != 2 || spec.goalIndex(0) != 0
                || spec.goalIndex(1) != 1) {
            throw new IllegalArgumentException("a point maze needs state 4, action 2 and goal indices [0, 1]; got "
                    + spec);
        }
        return spec;
    }

    public MazeLayout layout() {
        return layout;
    }

    /** World x of the centre of cell row {@code row}. */
    public static double cellX(int row) {
        return row * CELL_SIZE;
    }

    /** World y of the centre of cell column {@code col}. */
    public static double cellY(int col) {
        return col * CELL_SIZE;
    }

    // ---- VecEnv hooks -------------------------------------------------------------------------------------------

    @Override
    protected void sampleStart(int env, Rng rng) {
        int g = rng.nextInt(layout.goalCount());
        goalX[env] = cellX(layout.goalRow(g));
        goalY[env] = cellY(layout.goalCol(g));
        x[env] = cellX(layout.startRow());
        y[env] = cellY(layout.startCol());
        vx[env] = START_VELOCITY_NOISE * rng.nextGaussian();
        vy[env] = START_VELOCITY_NOISE * rng.nextGaussian();
    }

    @Override
    protected void simulate(float[] actions, int from, int to) {
        double[] s = new double[4]; // ball state handed to the contact code, which is off the common path
        for (int i = from; i < to; i++) {
            double ax = GEAR * actions[2 * i] / MASS;
            double ay = GEAR * actions[2 * i + 1] / MASS;
            double px = x[i];
            double py = y[i];
            double ux = vx[i];
            double uy = vy[i];
            for (int k = 0; k < SUBSTEPS; k++) {
                ux += ax * DT;
                uy += ay * DT;
                if ((ux * ux + uy * uy) * (DT * DT) <= MAX_MOVE * MAX_MOVE) {
                    px += ux * DT;
                    py += uy * DT;
                    if (clearOfWalls(px, py)) {
                        continue;
                    }
                    s[0] = px;
                    s[1] = py;
                    s[2] = ux;
                    s[3] = uy;
                    collide(s);
                } else {
                    s[0] = px;
                    s[1] = py;
                    s[2] = ux;
                    s[3] = uy;
                    fastSubstep(s);
                }
                px = s[0];
                py = s[1];
                ux = s[2];
                uy = s[3];
            }
            x[i] = px;
            y[i] = py;
            vx[i] = ux;
            vy[i] = uy;
        }
    }

    @Override
    protected void writeState(int env, float[] out, int off) {
        out[off] = (float) x[env];
        out[off + 1] = (float) y[env];
        out[off + 2] = (float) vx[env];
        out[off + 3] = (float) vy[env];
    }

    @Override
    protected void writeGoal(int env, float[] out, int off) {
        out[off] = (float) goalX[env];
        out[off + 1] = (float) goalY[env];
    }

    @Override
    protected double[][] physicalState() {
        return new double[][] {x, y, vx, vy, goalX, goalY};
    }

    @Override
    public SceneRenderer renderer() {
        return new PointMazeRenderer(layout);
    }

    // ---- physics ------------------------------------------------------------------------------------------------

    /**
     * The motion of one substep for a ball whose velocity (already updated) would carry it further than
     * {@link #MAX_MOVE}: cut into equal moves short enough that the centre cannot get past a wall's surface.
     */
    private void fastSubstep(double[] s) {
        double step = Math.sqrt(s[2] * s[2] + s[3] * s[3]) * DT;
        int moves = (int) Math.ceil(step / MAX_MOVE);
        double h = DT / moves;
        for (int m = 0; m < moves; m++) {
            s[0] += s[2] * h;
            s[1] += s[3] * h;
            collide(s);
        }
    }

    /** True when a ball centred at (px, py) lies wholly inside the cell of its centre, so touches no wall. */
    private static boolean clearOfWalls(double px, double py) {
        // Positions stay positive (row and column 0 are walls), so truncation is floor.
        double lx = px - (int) (px * (1 / CELL_SIZE) + 0.5) * CELL_SIZE;
        double ly = py - (int) (py * (1 / CELL_SIZE) + 0.5) * CELL_SIZE;
        return Math.abs(lx) <= HALF - RADIUS && Math.abs(ly) <= HALF - RADIUS;
    }

    /**
     * Pushes the ball out of every wall it overlaps, deepest first, and applies the contact impulse of each: the
     * velocity into the wall is removed, friction takes off slip up to μ times that.
     */
    private void collide(double[] s) {
        double px = s[0];
        double py = s[1];
        for (int iter = 0; iter < 4; iter++) {
            // Cell of the centre (positions stay positive, so truncation is floor) and the centre's offset in it.
            int r = (int) (px * (1 / CELL_SIZE) + 0.5);
            int c = (int) (py * (1 / CELL_SIZE) + 0.5);
            double lx = px - r * CELL_SIZE;
            double ly = py - c * CELL_SIZE;
            // Only the neighbours on the sides the ball reaches over can touch it (none: it is clear of walls).
            int r0 = lx < -(HALF - RADIUS) ? r - 1 : r;
            int r1 = lx > HALF - RADIUS ? r + 1 : r;
            int c0 = ly < -(HALF - RADIUS) ? c - 1 : c;
            int c1 = ly > HALF - RADIUS ? c + 1 : c;
            if (r0 == r1 && c0 == c1 && !isWall(r, c)) {
                break;
            }
            double best = CONTACT_EPS;
            double nx = 0;
            double ny = 0;
            for (int wr = r0; wr <= r1; wr++) {
                for (int wc = c0; wc <= c1; wc++) {
                    if (!isWall(wr, wc)) {
                        continue;
                    }
                    // Closest point of the wall box to the centre.
                    double bx = wr * CELL_SIZE;
                    double by = wc * CELL_SIZE;
                    double qx = Math.max(bx - HALF, Math.min(bx + HALF, px));
                    double qy = Math.max(by - HALF, Math.min(by + HALF, py));
                    double dx = px - qx;
                    double dy = py - qy;
                    double d2 = dx * dx + dy * dy;
                    if (d2 >= RADIUS * RADIUS) {
                        continue;
                    }
                    double pen;
                    double ex;
                    double ey;
                    if (dy == 0 && dx != 0) { // a face across x, the usual contact: no square root needed
                        pen = RADIUS - Math.abs(dx);
                        ex = dx > 0 ? 1 : -1;
                        ey = 0;
                    } else if (dx == 0 && dy != 0) { // a face across y
                        pen = RADIUS - Math.abs(dy);
                        ex = 0;
                        ey = dy > 0 ? 1 : -1;
                    } else if (d2 > 0) { // a corner
                        double d = Math.sqrt(d2);
                        pen = RADIUS - d;
                        ex = dx / d;
                        ey = dy / d;
                    } else {
                        // Centre inside the box (cannot happen with short moves): leave by the nearest face.
                        double ox = HALF - Math.abs(px - bx);
                        double oy = HALF - Math.abs(py - by);
                        if (ox < oy) {
                            pen = ox + RADIUS;
                            ex = px >= bx ? 1 : -1;
                            ey = 0;
                        } else {
                            pen = oy + RADIUS;
                            ex = 0;
                            ey = py >= by ? 1 : -1;
                        }
                    }
                    if (pen > best) {
                        best = pen;
                        nx = ex;
                        ny = ey;
                    }
                }
            }
            if (best <= CONTACT_EPS) {
                break;
            }
            px += nx * best;
            py += ny * best;
            double vn = s[2] * nx + s[3] * ny;
            if (vn < 0) {
                double tx = s[2] - vn * nx;
                double ty = s[3] - vn * ny;
                double slip = Math.sqrt(tx * tx + ty * ty);
                if (slip > MIN_SLIP) {
                    double drop = Math.min(slip * SLIP_REMOVED, FRICTION * -vn);
                    double keep = 1 - drop / slip;
                    tx *= keep;
                    ty *= keep;
                }
                s[2] = tx;
                s[3] = ty;
            }
        }
        s[0] = px;
        s[1] = py;
    }

    private boolean isWall(int r, int c) {
        return r < 0 || c < 0 || r >= rows || c >= cols || wall[r * cols + c];
    }

    // ---- for tests and tools ------------------------------------------------------------------------------------

    /** Puts environment {@code env}'s ball at (px, py) with velocity (pvx, pvy); for tests and demonstrations. */
    public void setBall(int env, double px, double py, double pvx, double pvy) {
        if (!Double.isFinite(px) || !Double.isFinite(py) || !Double.isFinite(pvx) || !Double.isFinite(pvy)) {
            throw new IllegalArgumentException("ball position and velocity must be finite numbers");
        }
        x[env] = px;
        y[env] = py;
        vx[env] = pvx;
        vy[env] = pvy;
    }

    public double ballX(int env) {
        return x[env];
    }

    public double ballY(int env) {
        return y[env];
    }

    public double ballVx(int env) {
        return vx[env];
    }

    public double ballVy(int env) {
        return vy[env];
    }

    /**
     * Depth by which a ball centred at (px, py) overlaps the walls of {@code layout} (0 when clear): the radius minus
     * the distance from the centre to the nearest wall cell, or more when the centre is inside one.
     */
    public static double penetration(MazeLayout layout, double px, double py) {
        int r = (int) Math.floor(px / CELL_SIZE + 0.5);
        int c = (int) Math.floor(py / CELL_SIZE + 0.5);
        double worst = 0;
        for (int wr = r - 1; wr <= r + 1; wr++) {
            for (int wc = c - 1; wc <= c + 1; wc++) {
                if (!layout.isWall(wr, wc)) {
                    continue;
                }
                double dx = Math.max(Math.abs(px - wr * CELL_SIZE) - HALF, 0);
                double dy = Math.max(Math.abs(py - wc * CELL_SIZE) - HALF, 0);
                double d = Math.sqrt(dx * dx + dy * dy);
                double inside = Math.min(HALF - Math.abs(px - wr * CELL_SIZE), HALF - Math.abs(py - wc * CELL_SIZE));
                worst = Math.max(worst, d > 0 ? RADIUS - d : RADIUS + Math.max(inside, 0));
            }
        }
        return worst;
    }
}
