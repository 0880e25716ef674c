package org.crl4j.envs.spring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.envs.spring.MjcfModel.Body;
import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;
import org.crl4j.envs.spring.MjcfModel.Joint;
import org.crl4j.envs.spring.MjcfModel.JointType;
import org.crl4j.envs.spring.MjcfModel.Motor;

/**
 * An MJCF model compiled for Brax's spring pipeline, as flat per-link arrays (what Brax's {@code System} holds for
 * this backend). Links are the bodies with a free joint or one to three hinge joints (Brax's link types 'f', '1',
 * '2', '3': one joint anchor, the hinges stacked in file order), in MJCF order. Masses are
 * {@code m^(1 − spring_mass_scale)} of the geom-derived masses; rotational inertia is the identity (only
 * {@code spring_inertia_scale = 1} is supported, which is what the ant uses). Bodies with only slide joints, hung
 * from the world, touching nothing and carrying no children (the targets of the goal-conditioned tasks) are
 * <i>markers</i>: they keep the position their q gives them (see the package notes).
 */
public final class SpringSystem {

    /** A world body attached to the world by slide joints and nothing else (e.g. a target). */
    public record Marker(String name, double[] pos, int qAdr, int qdAdr, int qCount, double[] axes) {
    }

    // ---- links ----------------------------------------------------------------------------------------------------
    final int numLinks;
    final String[] linkNames;
    final int[] parent;          // −1: the world
    final boolean[] free;        // free joint (else hinges)
    final int[] dofs;            // [L] hinge count 1..3, or 2 for a slide link (0 for a free link)
    final boolean[] slide;       // [L] two slide joints (Brax's translational link type '2'): dofAxis are the slides
    final double[] dofAxis;      // [9L] the hinge axes in the link frame, 3 per link (unused slots zero)
    final double[] dofLo, dofHi; // [3L] each hinge's range, ±∞ when unlimited
    final double[] parity;       // [L] Brax's handedness of a 3-hinge frame, (a0 × a1)·a2; 1 otherwise
    final boolean stackedHinges; // some link has two or three hinges
    final boolean slideLinks;    // some link slides (the pusher's object)
    final double[] bodyPos;      // [3L] link frame origin in the parent's frame at q = 0 (zero for free links)
    final double[] bodyQuat;     // [4L]
    final double[] bodyRot;      // [9L] row-major matrix of bodyQuat
    final boolean[] bodyRotIdentity;
    final double[] jointPos;     // [3L] joint anchor in the link frame
    final double[] anchorOffset; // [3L] bodyPos + bodyRot·jointPos: the anchor in the parent's frame
    final double[] com;          // [3L] centre of mass in the link frame
    final double[] mass;         // [L] spring mass
    // [3L] Brax's joint frame (kinematics.link_to_joint_frame): one hinge: the axis and math.orthogonals of it;
    // two or three: a0, a1, a0 × a1
    final double[] axis0, axis1, axis2;
    final double[] pa0, pa1, pa2; // [3L] the same frame on the parent's side, in its link frame: bodyRot · axis_k
    final double[] parentDofAxis; // [9L] bodyRot · dofAxis: a slide link's slides as the world sees them
    final double[] limitLo, limitHi;    // [L] the first hinge's range, ±∞ when unlimited
    final boolean[] limited;
    final double[] stiffness, velDamping, angDamping, limitStiffness; // [L] per-link constraint parameters
    final int[] qAdr, qdAdr;     // [L] where the link's joint sits in q and qd
    final int qSize, qdSize;
    final double[] initQ;
    final List<Marker> markers;
    private final List<List<Geom>> linkGeomList; // every geom of each link, for drawing
    private final String[] jointNames;
    private final Map<String, Integer> jointLinks; // every joint's link

    // ---- actuators ------------------------------------------------------------------------------------------------
    final int numMotors;
    final int[] motorLink;
    final int[] motorDof; // qd address the motor drives
    final double[] gear, ctrlLo, ctrlHi;

    // ---- contacts -------------------------------------------------------------------------------------------------
    final ContactModel contacts;
    final int ignoredSelfPairs;

    // ---- global parameters ----------------------------------------------------------------------------------------
    final double timestep;
    final int substeps;
    final double[] gravity;
    final double baumgarteErp;
    final double velDampFactor, angDampFactor; // exp(damping · dt)
    final double elasticity;

    /**
     * Compiles {@code model} with Brax's defaults for missing custom parameters.
     *
     * @param timestep substep length; NaN keeps the file's (JaxGCRL replaces it, e.g. 0.005 for the ant)
     * @param substeps substeps per control step (Brax's n_frames)
     */
    public static SpringSystem compile(MjcfModel model, double timestep, int substeps) {
        return compile(model, timestep, substeps, false);
    }

    /**
     * As {@link #compile(MjcfModel, double, int)}; with {@code linkContacts} the link–link geom pairs that MuJoCo's
     * filter admits collide too (the pusher's wrist and object), otherwise they are counted
     * ({@link #ignoredSelfPairs}) and left out, as for the ant, whose admitted pairs stay apart within its joint
     * ranges.
     */
    public static SpringSystem compile(MjcfModel model, double timestep, int substeps, boolean linkContacts) {
        return new SpringSystem(model, Double.isNaN(timestep) ? model.timestep() : timestep, substeps, linkContacts);
    }

    private SpringSystem(MjcfModel m, double timestep, int substeps, boolean linkContacts) {
        if (!(timestep > 0) || substeps < 1) {
            throw new IllegalArgumentException("timestep must be positive and substeps at least 1");
        }
        this.timestep = timestep;
        this.substeps = substeps;
        this.gravity = m.gravity().clone();
        double massScale = m.customScalar("spring_mass_scale", 0.0);
        double inertiaScale = m.customScalar("spring_inertia_scale", 0.0);
        if (!(massScale >= 0 && massScale <= 1)) {
            throw new IllegalArgumentException("spring_mass_scale must be in [0, 1], got " + massScale);
        }
        if (inertiaScale != 1.0) {
            throw new IllegalArgumentException("only spring_inertia_scale = 1 (unit rotational inertia) is "
                    + "supported, got " + inertiaScale);
        }
        this.baumgarteErp = m.customScalar("baumgarte_erp", 0.1);
        this.velDampFactor = Math.exp(m.customScalar("vel_damping", 0.0) * timestep);
        this.angDampFactor = Math.exp(m.customScalar("ang_damping", 0.0) * timestep);
        double[] el = m.custom().get("elasticity");
        if (el != null && el.length > 1) {
            throw new IllegalArgumentException("per-geom elasticity is not supported; give one value");
        }
        this.elasticity = el == null ? 0.0 : el[0];

        // Split bodies into links and markers; map body index → link index.
        List<Body> bodies = m.bodies();
        int nb = bodies.size();
        int[] linkOf = new int[nb];
        List<Integer> linkBodies = new ArrayList<>();
        List<Marker> markerList = new ArrayList<>();
        boolean[] hasChild = new boolean[nb];
        for (Body b : bodies) {
            if (b.parent() >= 0) {
                hasChild[b.parent()] = true;
            }
        }
        int qa = 0;
        int qda = 0;
        List<int[]> linkQ = new ArrayList<>();
        for (int i = 0; i < nb; i++) {
            Body b = bodies.get(i);
            List<Joint> js = b.joints();
            boolean allSlide = js.stream().allMatch(j -> j.type() == JointType.SLIDE);
            boolean collides = b.geoms().stream().anyMatch(g -> g.contype() != 0 || g.conaffinity() != 0);
            boolean slideLink = allSlide && collides && js.size() == 2 && b.parent() < 0 && !hasChild[i];
            if (allSlide && !slideLink) {
                if (b.parent() >= 0 || collides || hasChild[i]) {
                    throw new IllegalArgumentException("body '" + b.name() + "': slide joints are only supported "
                            + "on childless world bodies: two slides on one that collides (the pusher's object), any "
                            + "number on one that touches nothing (targets)");
                }
                double[] axes = new double[3 * js.size()];
                for (int k = 0; k < js.size(); k++) {
                    System.arraycopy(js.get(k).axis(), 0, axes, 3 * k, 3);
                }
                markerList.add(new Marker(b.name(), b.pos().clone(), qa, qda, js.size(), axes));
                linkOf[i] = -1;
                qa += js.size();
                qda += js.size();
                continue;
            }
            Joint j = js.get(0);
            if (j.type() == JointType.FREE && js.size() != 1) {
                throw new IllegalArgumentException("body '" + b.name() + "' stacks a free joint with others; Brax "
                        + "allows a free joint only alone");
            }
            for (Joint x : js) {
                if (!java.util.Arrays.equals(x.pos(), j.pos())) {
                    throw new IllegalArgumentException("body '" + b.name() + "': its joints must share one pos "
                            + "(Brax allows one joint position per body)");
                }
            }
            if (j.type() == JointType.HINGE) {
                if (js.size() > 3 || js.stream().anyMatch(x -> x.type() != JointType.HINGE)) {
                    throw new IllegalArgumentException("body '" + b.name() + "' has " + js.size() + " joints; the "
                            + "spring pipeline here supports one free joint or one to three hinges per body");
                }
                if (js.size() > 1 && b.parent() < 0) {
                    throw new IllegalArgumentException("body '" + b.name() + "': stacked hinges on a world body are "
                            + "not supported; hang the body from a free-jointed one");
                }
            }
            if (j.type() == JointType.FREE && b.parent() >= 0) {
                throw new IllegalArgumentException("body '" + b.name() + "': a free joint must hang from the world");
            }
            if (b.parent() >= 0 && linkOf[b.parent()] < 0) {
                throw new IllegalArgumentException("body '" + b.name() + "' hangs from a slide-jointed body");
            }
            linkOf[i] = linkBodies.size();
            linkBodies.add(i);
            linkQ.add(new int[] {qa, qda});
            qa += j.type() == JointType.FREE ? 7 : js.size();
            qda += j.type() == JointType.FREE ? 6 : js.size();
        }
        this.qSize = qa;
        this.qdSize = qda;
        this.markers = List.copyOf(markerList);
        int nl = linkBodies.size();
        if (nl == 0) {
            throw new IllegalArgumentException("the model has no free or hinge-jointed body");
        }
        this.numLinks = nl;
        linkNames = new String[nl];
        parent = new int[nl];
        free = new boolean[nl];
        dofs = new int[nl];
        slide = new boolean[nl];
        dofAxis = new double[9 * nl];
        dofLo = new double[3 * nl];
        dofHi = new double[3 * nl];
        parity = new double[nl];
        bodyPos = new double[3 * nl];
        bodyQuat = new double[4 * nl];
        bodyRot = new double[9 * nl];
        bodyRotIdentity = new boolean[nl];
        jointPos = new double[3 * nl];
        anchorOffset = new double[3 * nl];
        com = new double[3 * nl];
        mass = new double[nl];
        axis0 = new double[3 * nl];
        axis1 = new double[3 * nl];
        axis2 = new double[3 * nl];
        pa0 = new double[3 * nl];
        pa1 = new double[3 * nl];
        pa2 = new double[3 * nl];
        parentDofAxis = new double[9 * nl];
        limitLo = new double[nl];
        limitHi = new double[nl];
        limited = new boolean[nl];
        stiffness = new double[nl];
        velDamping = new double[nl];
        angDamping = new double[nl];
        limitStiffness = new double[nl];
        qAdr = new int[nl];
        qdAdr = new int[nl];
        double[] kAll = perBody(m, "constraint_stiffness", 2000.0, nb);
        double[] kvAll = perBody(m, "constraint_vel_damping", 0.0, nb);
        double[] kaAll = perBody(m, "constraint_ang_damping", 0.0, nb);
        double[] klAll = perBody(m, "constraint_limit_stiffness", 1000.0, nb);
        Map<String, Integer> jointLink = new HashMap<>();
        Map<String, Integer> jointDof = new HashMap<>();
        linkGeomList = new ArrayList<>();
        jointNames = new String[nl];
        for (int l = 0; l < nl; l++) {
            int bi = linkBodies.get(l);
            Body b = bodies.get(bi);
            Joint j = b.joints().get(0);
            linkNames[l] = b.name();
            parent[l] = b.parent() < 0 ? -1 : linkOf[b.parent()];
            free[l] = j.type() == JointType.FREE;
            dofs[l] = free[l] ? 0 : b.joints().size();
            slide[l] = j.type() == JointType.SLIDE;
            for (int k = 0; k < dofs[l]; k++) {
                Joint h = b.joints().get(k);
                jointLink.put(h.name(), l);
                jointDof.put(h.name(), linkQ.get(l)[1] + k);
                System.arraycopy(h.axis(), 0, dofAxis, 9 * l + 3 * k, 3);
                dofLo[3 * l + k] = h.limited() ? h.lo() : Double.NEGATIVE_INFINITY;
                dofHi[3 * l + k] = h.limited() ? h.hi() : Double.POSITIVE_INFINITY;
            }
            jointLink.put(j.name(), l);
            jointNames[l] = j.name();
            linkGeomList.add(List.copyOf(b.geoms()));
            // Brax clears the link transform of free links: their q is the world pose.
            double[] bp = free[l] ? new double[3] : b.pos();
            double[] bq = free[l] ? new double[] {1, 0, 0, 0} : b.quat();
            System.arraycopy(bp, 0, bodyPos, 3 * l, 3);
            System.arraycopy(bq, 0, bodyQuat, 4 * l, 4);
            System.arraycopy(Quat.matrix(bq), 0, bodyRot, 9 * l, 9);
            bodyRotIdentity[l] = Quat.isIdentity(bq);
            System.arraycopy(j.pos(), 0, jointPos, 3 * l, 3);
            System.arraycopy(Quat.add(bp, Quat.rotate(bq, j.pos())), 0, anchorOffset, 3 * l, 3);
            double[] mc = massAndCom(b.geoms());
            mass[l] = Math.pow(mc[0], 1 - massScale);
            System.arraycopy(mc, 1, com, 3 * l, 3);
            // a slide link's angular frame is the identity (kinematics.link_to_joint_frame, translational 2-dof)
            double[][] frame = slide[l] ? new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
                    : dofs[l] <= 1 ? hingeFrame(j.axis()) : stackedFrame(b.joints());
            parity[l] = dofs[l] == 3 ? Quat.dot(frame[2], b.joints().get(2).axis()) : 1;
            System.arraycopy(frame[0], 0, axis0, 3 * l, 3);
            System.arraycopy(frame[1], 0, axis1, 3 * l, 3);
            System.arraycopy(frame[2], 0, axis2, 3 * l, 3);
            rotateInto(bodyRot, 9 * l, axis0, 3 * l, pa0, 3 * l);
            rotateInto(bodyRot, 9 * l, axis1, 3 * l, pa1, 3 * l);
            rotateInto(bodyRot, 9 * l, axis2, 3 * l, pa2, 3 * l);
            for (int k = 0; k < 3; k++) {
                rotateInto(bodyRot, 9 * l, dofAxis, 9 * l + 3 * k, parentDofAxis, 9 * l + 3 * k);
            }
            limited[l] = b.joints().stream().anyMatch(Joint::limited);
            limitLo[l] = free[l] ? j.lo() : dofLo[3 * l];
            limitHi[l] = free[l] ? j.hi() : dofHi[3 * l];
            stiffness[l] = kAll[bi];
            velDamping[l] = kvAll[bi];
            angDamping[l] = kaAll[bi];
            limitStiffness[l] = klAll[bi];
            qAdr[l] = linkQ.get(l)[0];
            qdAdr[l] = linkQ.get(l)[1];
            if (!(mass[l] > 0)) {
                throw new IllegalArgumentException("link '" + b.name() + "' has no mass");
            }
        }
        double[] init = m.custom().get("init_qpos");
        if (init != null && init.length != qSize) {
            throw new IllegalArgumentException("init_qpos has " + init.length + " values but the model has q of "
                    + "size " + qSize);
        }
        if (init == null) {
            // MuJoCo's qpos0 (Brax's init_q): a free joint starts at its body's pos and quat, hinges and slides at 0
            init = new double[qSize];
            for (int l = 0; l < nl; l++) {
                if (free[l]) {
                    Body body = bodies.get(linkBodies.get(l));
                    System.arraycopy(body.pos(), 0, init, qAdr[l], 3);
                    System.arraycopy(body.quat(), 0, init, qAdr[l] + 3, 4);
                }
            }
        }
        this.initQ = init.clone();

        List<Motor> motors = m.motors();
        numMotors = motors.size();
        motorLink = new int[numMotors];
        motorDof = new int[numMotors];
        gear = new double[numMotors];
        ctrlLo = new double[numMotors];
        ctrlHi = new double[numMotors];
        for (int a = 0; a < numMotors; a++) {
            Motor mo = motors.get(a);
            Integer l = jointLink.get(mo.joint());
            if (l == null || free[l] || slide[l]) {
                throw new IllegalArgumentException("motor on '" + mo.joint() + "': no hinge joint of that name");
            }
            motorLink[a] = l;
            motorDof[a] = jointDof.get(mo.joint());
            gear[a] = mo.gear();
            ctrlLo[a] = mo.ctrlLimited() ? mo.ctrlLo() : Double.NEGATIVE_INFINITY;
            ctrlHi[a] = mo.ctrlLimited() ? mo.ctrlHi() : Double.POSITIVE_INFINITY;
        }

        List<Geom> linkGeoms = new ArrayList<>();
        List<Integer> geomLink = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            for (Geom g : bodies.get(linkBodies.get(l)).geoms()) {
                linkGeoms.add(g);
                geomLink.add(l);
            }
        }
        this.jointLinks = Map.copyOf(jointLink);
        this.slideLinks = java.util.stream.IntStream.range(0, nl).anyMatch(l -> slide[l]);
        this.stackedHinges = java.util.stream.IntStream.range(0, nl).anyMatch(l -> dofs[l] > 1 && !slide[l]);
        this.contacts = new ContactModel(linkGeoms, geomLink, m.worldGeoms(), linkContacts ? parent : null);
        this.ignoredSelfPairs = linkContacts ? 0 : ContactModel.linkPairs(linkGeoms, geomLink, parent).size();
    }

    private static double[] perBody(MjcfModel m, String name, double fallback, int nb) {
        double[] v = m.custom().get(name);
        double[] out = new double[nb];
        if (v == null || v.length == 1) {
            java.util.Arrays.fill(out, v == null ? fallback : v[0]);
        } else if (v.length == nb) {
            System.arraycopy(v, 0, out, 0, nb);
        } else {
            throw new IllegalArgumentException("\"" + name + "\" needs 1 or " + nb + " values (one per body), got "
                    + v.length);
        }
        return out;
    }

    /** Total mass and centre of mass of a body's geoms (MuJoCo inertiafromgeom). */
    private static double[] massAndCom(List<Geom> geoms) {
        double total = 0;
        double cx = 0, cy = 0, cz = 0;
        for (Geom g : geoms) {
            double r = g.size()[0];
            double vol = switch (g.type()) {
                case SPHERE -> 4.0 / 3 * Math.PI * r * r * r;
                case CAPSULE -> Math.PI * r * r * 2 * g.size()[1] + 4.0 / 3 * Math.PI * r * r * r;
                case BOX -> 8 * g.size()[0] * g.size()[1] * g.size()[2];
                case PLANE -> 0;
            };
            double gm = Double.isNaN(g.mass()) ? g.density() * vol : g.mass();
            total += gm;
            cx += gm * g.pos()[0];
            cy += gm * g.pos()[1];
            cz += gm * g.pos()[2];
        }
        return total > 0 ? new double[] {total, cx / total, cy / total, cz / total} : new double[4];
    }

    /** Brax's 1-dof joint frame: the axis and {@code math.orthogonals} of it. */
    private static double[][] hingeFrame(double[] a) {
        double[] b = (-0.5 < a[1] && a[1] < 0.5) ? new double[] {0, 1, 0} : new double[] {0, 0, 1};
        double d = Quat.dot(a, b);
        b = Quat.sub(b, Quat.scale(a, d));
        double n = Math.sqrt(Quat.dot(b, b));
        b = Quat.scale(b, 1 / n);
        return new double[][] {a.clone(), b, Quat.cross(a, b)};
    }

    /** {@code out[o ..] = r[ro ..] · v[vo ..]} (row-major 3×3 times a vector). */
    private static void rotateInto(double[] r, int ro, double[] v, int vo, double[] out, int o) {
        double x = v[vo], y = v[vo + 1], z = v[vo + 2];
        out[o] = r[ro] * x + r[ro + 1] * y + r[ro + 2] * z;
        out[o + 1] = r[ro + 3] * x + r[ro + 4] * y + r[ro + 5] * z;
        out[o + 2] = r[ro + 6] * x + r[ro + 7] * y + r[ro + 8] * z;
    }

    /** Brax's frame of two or three stacked hinges: a0, a1 and a0 × a1 (not orthonormalised, as Brax). */
    private static double[][] stackedFrame(List<Joint> hinges) {
        double[] a0 = hinges.get(0).axis(), a1 = hinges.get(1).axis();
        return new double[][] {a0.clone(), a1.clone(), Quat.cross(a0, a1)};
    }

    // ---- public queries -------------------------------------------------------------------------------------------

    public int numLinks() {
        return numLinks;
    }

    public String linkName(int l) {
        return linkNames[l];
    }

    /** Name of link l's (first) joint. */
    public String jointName(int l) {
        return jointNames[l];
    }

    /** Every geom of link l (in the link frame), for drawing. */
    public List<Geom> linkGeoms(int l) {
        return linkGeomList.get(l);
    }

    /** Index of the link one of whose joints is named {@code name}. */
    public int linkOfJoint(String name) {
        Integer l = jointLinks.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no joint named '" + name + "'");
        }
        return l;
    }

    public int parent(int l) {
        return parent[l];
    }

    public double mass(int l) {
        return mass[l];
    }

    public double limitLo(int l) {
        return limitLo[l];
    }

    public double limitHi(int l) {
        return limitHi[l];
    }

    public boolean isFree(int l) {
        return free[l];
    }

    /** Hinges of link l: 1 to 3, or 0 for a free link. */
    public int dofs(int l) {
        return dofs[l];
    }

    /** Range of hinge k of link l (radians; ±∞ when unlimited). */
    public double limitLo(int l, int k) {
        return dofLo[3 * l + k];
    }

    public double limitHi(int l, int k) {
        return dofHi[3 * l + k];
    }

    /** Whether link l slides (its dofs are slide joints, its ranges metres). */
    public boolean isSlide(int l) {
        return slide[l];
    }

    /** Whether some link stacks two or three hinges. */
    public boolean hasStackedHinges() {
        return stackedHinges;
    }

    /** The qd address motor a drives. */
    public int motorDof(int a) {
        return motorDof[a];
    }

    public int qSize() {
        return qSize;
    }

    public int qdSize() {
        return qdSize;
    }

    public int qAdr(int l) {
        return qAdr[l];
    }

    public int qdAdr(int l) {
        return qdAdr[l];
    }

    public double[] initQ() {
        return initQ.clone();
    }

    public List<Marker> markers() {
        return markers;
    }

    public int numMotors() {
        return numMotors;
    }

    /** The link whose hinge motor {@code a} drives. */
    public int motorLink(int a) {
        return motorLink[a];
    }

    public double gear(int a) {
        return gear[a];
    }

    public double timestep() {
        return timestep;
    }

    public int substeps() {
        return substeps;
    }

    public ContactModel contacts() {
        return contacts;
    }

    /** Link–link geom pairs that MuJoCo's contype/conaffinity filter admits but this port does not simulate. */
    public int ignoredSelfPairs() {
        return ignoredSelfPairs;
    }

    /** Index of the link named {@code name}. */
    public int link(String name) {
        for (int l = 0; l < numLinks; l++) {
            if (linkNames[l].equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no link named '" + name + "'");
    }
}
