/**
 * A port of Brax's "spring" physics pipeline ({@code brax/spring}, Brax 0.12.1 as pinned by JaxGCRL) to batched
 * structure-of-arrays Java: the physics the paper's ant tasks were trained on.
 *
 * <ul>
 *   <li>{@link org.crl4j.envs.spring.MjcfReader} / {@link org.crl4j.envs.spring.MjcfModel}: the MJCF subset these
 *   models use; malformed or unsupported input is an {@code IllegalArgumentException} with a one-line message.</li>
 *   <li>{@link org.crl4j.envs.spring.SpringSystem}: the compiled model (links, joint frames, spring parameters,
 *   motors, {@link org.crl4j.envs.spring.ContactModel contact geometry}).</li>
 *   <li>{@link org.crl4j.envs.spring.SpringBatch}: N environments' state, forward kinematics (reset from q, qd),
 *   one control step, inverse kinematics (q, qd for observations).</li>
 *   <li>SpringDynamics, ContactSolver: the substep, one environment at a time (package-private): the scalar
 *   reference.</li>
 *   <li>LaneDynamics (with StackedLanes for stacked hinges, SlideLanes for slide links, PairLanes for link–link
 *   contacts): the same substep four environments at a time with the Vector API (what
 *   {@link org.crl4j.envs.spring.SpringBatch#step} runs, for every model), plus lanewise inverse kinematics once per
 *   control step.
 *   It performs each lane's floating-point operations exactly as the reference does, so results are bit-identical
 *   and independent of how environments are grouped (tested); skips are taken only where the reference would
 *   apply nothing (a joint clearly inside its range, geoms out of reach of every wall box, link pairs whose centres
 *   of mass are too far apart to touch).</li>
 * </ul>
 *
 * <p><b>What follows Brax exactly</b> (up to floating-point order; Brax runs in float32, this in double): body
 * fusion and its ordering, masses {@code m^(1 − spring_mass_scale)}, centres of mass from the geoms, unit
 * rotational inertia, the 1-dof joint force (anchor spring and damper, alignment torque, motor, limit spring on
 * Brax's angle ψ, angular damping) applied to child and parent, gravity and semi-implicit Euler, contact impulses
 * with Baumgarte term, friction cap and per-link averaging, velocity damping factors, quaternion integration,
 * forward kinematics including its use of an un-normalised free-joint quaternion, and inverse kinematics.
 *
 * <p><b>Where this port departs from Brax, and why</b>:
 * <ul>
 *   <li>Contact detection is this package's own, not MJX's: sphere–plane, capsule–plane (one contact per end),
 *   sphere–box exactly (closest point; nearest face when the centre is inside); capsule–box as the two end spheres
 *   plus, when neither touches, the segment point nearest the box (MJX's capsule–box routine can place its points
 *   differently). Static boxes must be axis-aligned (maze walls are).</li>
 *   <li>Link–link contacts are simulated only where the task asks for them (the pusher's wrist and object,
 *   {@link org.crl4j.envs.spring.SpringSystem#compile(org.crl4j.envs.spring.MjcfModel, double, int, boolean)}). MJX's filter admits some in
 *   {@code ant_maze.xml} (feet have contype = conaffinity = 1, so foot–foot, foot–torso and foot–hip-capsule pairs
 *   pass), but within the joint ranges those geoms stay apart, so the ant leaves them out;
 *   {@link org.crl4j.envs.spring.SpringSystem#ignoredSelfPairs()} counts them.</li>
 *   <li>Targets (bodies on slide joints that touch nothing) are markers fixed at their q: in Brax the target's
 *   joint springs act only off its slide axes and nothing else pushes it, so its x, y never change (its z sags by
 *   millimetres, which no observation uses).</li>
 *   <li>Joint angles use a polynomial atan2 (error &lt; 1e-10 rad) instead of {@code StrictMath}'s.</li>
 *   <li>Only {@code spring_inertia_scale = 1}, one joint per moving body, and geom-derived masses are supported.</li>
 * </ul>
 *
 * <p><b>Where the shared reference notes ({@code environments.md}) differ from upstream</b>, upstream is followed:
 * <ul>
 *   <li>"In ant mazes only the feet collide with walls, not the torso": in JaxGCRL's {@code ant_maze.xml} the torso
 *   sphere and the four hip capsules have conaffinity 1 and the wall boxes contype 1, so MJX collides them with the
 *   walls too; they do here.</li>
 *   <li>"constraint ang/vel damping 10/20" are the per-joint {@code constraint_ang_damping} /
 *   {@code constraint_vel_damping}; the global {@code ang_damping} is 0 and {@code vel_damping} unset (0), so the
 *   integrator does not damp.</li>
 *   <li>"Standing at rest the torso sits near z 0.53": from the noise-free initial pose with zero action the torso
 *   is at 0.533 after 100 control steps (5 s) but keeps sinking slowly as the feet creep outwards, reaching the
 *   ankles' 30° limit (z ≈ 0.35) after about 40 s. This follows from Brax's own contact equations, which this port
 *   was checked against line by line (Brax v0.12.1 = HEAD up to the licence year, {@code brax/spring/collisions.py}
 *   {@code resolve}): the normal impulse {@code (−(1 + e)·v_n − erp/dt·dist) / (1/m + |r × n|²)} (lines 49–58), the
 *   friction impulse {@code min(|v_t| / (1/m + |r × d|²), μ·impulse)} against the slip direction
 *   {@code v_t / (1e-6 + |v_t|)} of the contact point's velocity after the semi-implicit velocity update (lines
 *   62–69; {@code pipeline.py} lines 112–113), the gates {@code dist < 0 ∧ v_n < 0 ∧ impulse > 0} for both and
 *   {@code |v_t| > 1e-3} for friction (lines 73–75), the per-link average over applied contacts with
 *   {@code + 1e-8} (lines 95–96), elasticity the mean of the geoms' (0 here) and {@code baumgarte_erp} 0.1. Friction is
 *   thus a velocity-level impulse that exists only on substeps where the foot is penetrating and still
 *   approaching; after the Baumgarte term lifts a resting foot it is separating for a substep or more, and whatever
 *   lateral velocity the leg springs give it then is not resisted, so a standing ant creeps. There is no static
 *   friction in Brax's spring pipeline, so this port keeps the behaviour (not compared with a Brax run).</li>
 * </ul>
 */
package org.crl4j.envs.spring;
