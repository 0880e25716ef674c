package org.crl4j.envs.reacher;

/**
 * Parameters of the reacher as an exact articulated (minimal-coordinate) 2-link chain: joint angles q0 (shoulder,
 * absolute) and q1 (elbow, relative), masses and centres of mass of {@link ReacherGeometry}, inertias about the
 * centres of mass, rotor armature added to the diagonal of the joint-space mass matrix, viscous joint damping, and
 * an elbow limit spring. Integrated by semi-implicit Euler with the damping implicit (Brax's generalized
 * integrator with an exact inverse).
 *
 * @param inertia0       rotational inertia of link 0 about its COM (kg·m²)
 * @param inertia1       rotational inertia of link 1 about its COM
 * @param armature       added to each diagonal entry of the mass matrix
 * @param damping        joint damping: torque −damping·q̇ᵢ on each joint
 * @param gear           torque = gear · action
 * @param timestep       substep length (s)
 * @param substeps       substeps per control step
 * @param limitStiffness elbow limit spring (N·m/rad past ±3 rad)
 */
public record ArticulatedModel(double inertia0, double inertia1, double armature, double damping, double gear,
                               double timestep, int substeps, double limitStiffness) {

    public ArticulatedModel {
        if (!(timestep > 0) || substeps < 1 || !(inertia0 > 0) || !(inertia1 > 0) || armature < 0
                || damping < 0) {
            throw new IllegalArgumentException("invalid articulated reacher model");
        }
    }

    /**
     * The XML's own parameters as the generalized/MJX backends use them: MuJoCo inertias, armature 1, damping 1,
     * gear 200, timestep 0.01 and 2 substeps (JaxGCRL's reacher without the spring overrides). The limit is a
     * penalty spring here, not MuJoCo's soft constraint.
     */
    public static ArticulatedModel generalized() {
        return new ArticulatedModel(ReacherGeometry.INERTIA0, ReacherGeometry.INERTIA1, 1.0, 1.0, 200.0, 0.01, 2,
                1000.0);
    }

    /**
     * The rigid limit of {@link SpringModel#brax()}: unit rotor inertias, no armature, the spring pipeline's
     * relative angular damping 0.1, gear 25, 0.005 s × 4. What the spring physics tends to as its joint springs
     * become infinitely stiff.
     */
    public static ArticulatedModel springRigidLimit() {
        SpringModel s = SpringModel.brax();
        return new ArticulatedModel(s.rotorInertia(), s.rotorInertia(), 0.0, s.angDamping(), s.gear(), s.timestep(),
                s.substeps(), s.limitStiffness());
    }

    public ArticulatedModel withDamping(double d) {
        return new ArticulatedModel(inertia0, inertia1, armature, d, gear, timestep, substeps, limitStiffness);
    }

    /** Control step: timestep × substeps. */
    public double dt() {
        return timestep * substeps;
    }
}
