package org.crl4j.envs.reacher;

/**
 * The reacher model of Brax's {@code envs/assets/reacher.xml} as Brax loads it: bodies without a joint are fused
 * into their parent (so the fingertip sphere belongs to the second link), and masses, centres of mass and inertias
 * follow MuJoCo's inertia-from-geometry rules (density 1000; a capsule is a cylinder plus two hemispheres).
 *
 * <p>Arm: the shoulder hinge sits at the origin at height {@link #HEIGHT}; link 0 is a capsule from 0 to 0.1 along
 * its x axis, the elbow hinge is at 0.1, link 1 is a capsule from 0 to 0.1 along its own x axis with the fingertip
 * sphere at 0.11. Both hinges turn about z; the elbow is limited to ±3 rad, the shoulder is free. The target is a
 * sphere of radius 0.009 on two slide joints (x, y) at the same height. Nothing collides.
 */
public final class ReacherGeometry {
    private ReacherGeometry() {
    }

    /** Height of the arm's and the target's bodies above the floor (body pos z in the XML). */
    public static final double HEIGHT = 0.01;
    /** Distance from the shoulder to the elbow (body1 pos). */
    public static final double ELBOW = 0.1;
    /** Distance from the elbow to the fingertip (fingertip body pos; also the offset JaxGCRL uses for the tip). */
    public static final double TIP = 0.11;
    /** Capsule length (fromto) and radius of both links. */
    public static final double LINK_LENGTH = 0.1;
    public static final double LINK_RADIUS = 0.01;
    public static final double FINGERTIP_RADIUS = 0.01;
    public static final double TARGET_RADIUS = 0.009;
    /** Half side of the square arena (the side capsules run along ±0.3) and the radius of those capsules. */
    public static final double ARENA_HALF = 0.3;
    public static final double ARENA_WALL_RADIUS = 0.02;
    /** Elbow range of the XML (joint1 range="-3.0 3.0"); the shoulder is unlimited. */
    public static final double ELBOW_LIMIT = 3.0;

    static final double DENSITY = 1000.0;

    /** Link 0: one capsule. Mass, centre of mass along the link, inertia about the COM around z. */
    public static final double MASS0 = capsuleMass(LINK_LENGTH, LINK_RADIUS);
    public static final double COM0 = LINK_LENGTH / 2;
    public static final double INERTIA0 = capsuleInertiaPerpendicular(LINK_LENGTH, LINK_RADIUS);

    /** Link 1 with the fused fingertip sphere. */
    public static final double MASS1;
    public static final double COM1;
    public static final double INERTIA1;

    /** The target sphere (moves only vertically, by sagging on its joint spring in the spring pipeline). */
    public static final double TARGET_MASS = sphereMass(TARGET_RADIUS);

    static {
        double mc = capsuleMass(LINK_LENGTH, LINK_RADIUS);
        double ms = sphereMass(FINGERTIP_RADIUS);
        double m = mc + ms;
        double com = (mc * LINK_LENGTH / 2 + ms * TIP) / m;
        double dc = LINK_LENGTH / 2 - com;
        double ds = TIP - com;
        MASS1 = m;
        COM1 = com;
        // parallel-axis theorem for both parts about the combined centre of mass
        INERTIA1 = capsuleInertiaPerpendicular(LINK_LENGTH, LINK_RADIUS) + mc * dc * dc
                + 0.4 * ms * FINGERTIP_RADIUS * FINGERTIP_RADIUS + ms * ds * ds;
    }

    static double sphereMass(double r) {
        return DENSITY * 4.0 / 3.0 * Math.PI * r * r * r;
    }

    static double capsuleMass(double length, double r) {
        return DENSITY * (Math.PI * r * r * length) + sphereMass(r);
    }

    /** MuJoCo's capsule inertia about an axis through the COM perpendicular to the capsule. */
    static double capsuleInertiaPerpendicular(double length, double r) {
        double sphere = sphereMass(r);
        double cylinder = DENSITY * Math.PI * r * r * length;
        return cylinder * (3 * r * r + length * length) / 12
                + 0.4 * sphere * r * r
                + sphere * length * (3 * r + 2 * length) / 8;
    }
}
