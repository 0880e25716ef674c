package org.crl4j.envs.reacher;

/**
 * Parameters of the reacher under Brax's spring pipeline, the physics the paper trained on ({@code backend="spring"}
 * in scaling-crl's train.py). Brax's reacher.xml carries custom spring parameters per body (body0, body1, target) and
 * JaxGCRL's Reacher overrides the gear to 25 and the timestep to 0.005 with 4 substeps for this backend.
 *
 * <p>What the spring pipeline makes of the model: links keep their real masses ({@code spring_mass_scale 0}) but
 * every link's rotational inertia becomes the identity ({@code spring_inertia_scale 1}: the diagonal is raised to
 * the power 0), so each link is a unit rotor; the XML's joint damping and armature are not used at all; instead
 * each joint damps the relative angular velocity with {@code constraint_ang_damping}, holds its anchor with a
 * linear spring ({@code constraint_stiffness}, {@code constraint_vel_damping}), and a limit spring acts beyond the
 * elbow range. Gravity acts along −z, perpendicular to the arm's plane, and only makes the bodies sag.
 *
 * @param gear              motor gear: torque = gear · action
 * @param timestep          substep length (s)
 * @param substeps          substeps per control step
 * @param stiffness0        anchor spring of the shoulder (N/m)
 * @param stiffness1        anchor spring of the elbow
 * @param targetStiffness   the target's joint spring (holds it up against gravity)
 * @param velDamping0       anchor damping of the shoulder (N·s/m)
 * @param velDamping1       anchor damping of the elbow
 * @param targetVelDamping  the target's joint damping
 * @param angDamping        damping of each joint's relative angular velocity (N·m·s/rad)
 * @param limitStiffness    elbow limit spring (N·m/rad past ±3 rad)
 * @param gravity           magnitude of gravity along −z (m/s²)
 * @param rotorInertia      rotational inertia of every link about its COM (kg·m²)
 */
public record SpringModel(double gear, double timestep, int substeps,
                          double stiffness0, double stiffness1, double targetStiffness,
                          double velDamping0, double velDamping1, double targetVelDamping,
                          double angDamping, double limitStiffness, double gravity, double rotorInertia) {

    public SpringModel {
        if (!(timestep > 0) || substeps < 1 || !(rotorInertia > 0)) {
            throw new IllegalArgumentException("invalid spring reacher model");
        }
    }

    /** JaxGCRL's reacher with {@code backend="spring"} on Brax's reacher.xml. */
    public static SpringModel brax() {
        return new SpringModel(25.0, 0.005, 4,
                1000.0, 1000.0, 10.0,
                3.0, 3.0, 0.1,
                0.1, 1000.0, 9.81, 1.0);
    }

    /** The same model with every damping term set to {@code scale} times its value (0: undamped, for tests). */
    public SpringModel withDampingScaled(double scale) {
        return new SpringModel(gear, timestep, substeps, stiffness0, stiffness1, targetStiffness,
                velDamping0 * scale, velDamping1 * scale, targetVelDamping * scale, angDamping * scale,
                limitStiffness, gravity, rotorInertia);
    }

    /** Control step: timestep × substeps. */
    public double dt() {
        return timestep * substeps;
    }
}
