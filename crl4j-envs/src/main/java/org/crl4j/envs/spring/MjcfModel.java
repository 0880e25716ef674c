package org.crl4j.envs.spring;

import java.util.List;
import java.util.Map;

/**
 * What {@link MjcfReader} read from an MJCF file, already normalised the way Brax's loader sees it: angles in radians,
 * joint axes of unit length, capsules given by {@code fromto} turned into a centre, orientation and half-length, and
 * bodies without joints fused into their parent (Brax {@code mjcf._fuse_bodies}). Coordinates are local to the body.
 *
 * @param timestep   {@code option/@timestep} (s)
 * @param gravity    {@code option/@gravity}
 * @param custom     Brax's {@code <custom><numeric>} parameters by name
 * @param bodies     every moving body in document order (parents before children)
 * @param worldGeoms geoms of the world body (floor, maze walls, fused static bodies)
 * @param motors     actuators in file order (the order of the action vector)
 */
public record MjcfModel(double timestep, double[] gravity, Map<String, double[]> custom, List<Body> bodies,
                        List<Geom> worldGeoms, List<Motor> motors) {

    public enum GeomType { PLANE, SPHERE, CAPSULE, BOX }

    public enum JointType { FREE, HINGE, SLIDE }

    /**
     * A body. {@code parent} is the index of the parent body in {@link #bodies}, −1 for the world.
     */
    public record Body(String name, int parent, double[] pos, double[] quat, List<Joint> joints, List<Geom> geoms) {
    }

    /**
     * A geom in its body's frame. {@code size}: sphere {r}, capsule {r, half-length} (axis = local z of
     * {@code quat}), box {half-extents}, plane {unused}. {@code mass} is NaN unless given (then density is ignored).
     */
    public record Geom(String name, GeomType type, double[] size, double[] pos, double[] quat, int contype,
                       int conaffinity, double friction, double density, double mass) {

        /** A capsule's half segment (its local z axis times the half-length) in the body frame; 0 for others. */
        public double[] halfAxis() {
            double len = type == GeomType.CAPSULE ? size[1] : 0;
            double w = quat[0], x = quat[1], y = quat[2], z = quat[3];
            return new double[] {2 * (x * z + w * y) * len, 2 * (y * z - w * x) * len, (1 - 2 * (x * x + y * y)) * len};
        }
    }

    /** A joint; {@code range} in radians (hinge) or metres (slide), {@code limited} false means no range. */
    public record Joint(String name, JointType type, double[] axis, double[] pos, boolean limited, double lo,
                        double hi) {
    }

    /** A motor on a joint: torque = gear · clip(ctrl, lo, hi). */
    public record Motor(String joint, double gear, boolean ctrlLimited, double ctrlLo, double ctrlHi) {
    }

    /**
     * This model with motor a's gear replaced by {@code gears[a]} (a task's backend overrides, e.g. the spring
     * humanoid's and pusher's); the motors' number and order must match.
     */
    public MjcfModel withGears(double... gears) {
        if (gears.length != motors.size()) {
            throw new IllegalArgumentException(gears.length + " gears for " + motors.size() + " motors");
        }
        List<Motor> out = new java.util.ArrayList<>();
        for (int a = 0; a < gears.length; a++) {
            Motor m = motors.get(a);
            out.add(new Motor(m.joint(), gears[a], m.ctrlLimited(), m.ctrlLo(), m.ctrlHi()));
        }
        return new MjcfModel(timestep, gravity, custom, bodies, worldGeoms, List.copyOf(out));
    }

    /** A custom numeric parameter, or {@code fallback} when the file has none (Brax's defaults). */
    public double customScalar(String name, double fallback) {
        double[] v = custom.get(name);
        return v == null ? fallback : v[0];
    }
}
