/**
 * JaxGCRL's {@code reacher} task: a 2-link planar arm whose fingertip must come within 0.05 of a target.
 *
 * <ul>
 *   <li>{@link org.crl4j.envs.reacher.Reacher}: the task (spec, reset distribution, goal, renderer), shared by
 *       both engines. State: cos q0, cos q1, sin q0, sin q1, fingertip xyz, JaxGCRL's "tip velocity" xyz; goal:
 *       target xyz = state[4:7]; 1000-step episodes.
 *   <li>{@link org.crl4j.envs.reacher.SpringReacher}: Brax's spring pipeline on Brax's reacher.xml with
 *       JaxGCRL's spring overrides (gear 25, 0.005 s × 4), the physics the paper trained on. The registry's
 *       {@code reacher}.
 *   <li>{@link org.crl4j.envs.reacher.ArticulatedReacher}: the exact rigid 2-link chain in joint coordinates, with
 *       either the XML's own parameters ({@link org.crl4j.envs.reacher.ArticulatedModel#generalized()}) or the
 *       spring model's rigid limit ({@link org.crl4j.envs.reacher.ArticulatedModel#springRigidLimit()}).
 *   <li>{@link org.crl4j.envs.reacher.ReacherGeometry}: link lengths, masses, centres of mass and inertias.
 *   <li>{@link org.crl4j.envs.reacher.ReacherRenderer}: a top-down picture from an observation row.
 *   <li>{@link org.crl4j.envs.reacher.Reachers}: registry entries.
 * </ul>
 *
 * <p>Physics state is kept in {@code double} arrays, one per quantity (structure of arrays); observations are
 * {@code float}. Everything is deterministic given the seed and the number of environments.
 */
package org.crl4j.envs.reacher;
