/**
 * JaxGCRL's ant tasks ({@code jaxgcrl/envs/ant.py}, {@code ant_maze.py}) on the spring pipeline of
 * {@link org.crl4j.envs.spring}.
 *
 * <ul>
 *   <li>{@link org.crl4j.envs.ant.Ant}: the batched task: state = q[:-2] ‖ qd[:-2] (29), goal = target x, y,
 *   termination when the torso's z leaves [0.2, 1.0], reset noise U(−0.1, 0.1) on q and 0.1·N(0, 1) on qd,
 *   motors in the XML's order hip_4, ankle_4, hip_1, ankle_1, hip_2, ankle_2, hip_3, ankle_3.</li>
 *   <li>{@link org.crl4j.envs.ant.OpenArena}: {@code ant}, goal on the circle of radius 10.</li>
 *   <li>{@link org.crl4j.envs.ant.MazeArena}: {@code ant_*_maze}: the layouts of
 *   {@link org.crl4j.envs.maze.MazeLayout} as 4 m wall boxes, start at the R cell, goal at a random G cell.</li>
 *   <li>{@link org.crl4j.envs.ant.AntRenderer}: top-down pictures (PNG/GIF through {@code crl4j render}).</li>
 *   <li>{@link org.crl4j.envs.ant.AntTasks}: the registry entries.</li>
 * </ul>
 *
 * <p>Notes against upstream: JaxGCRL draws its randomness from JAX keys; here each environment draws from its own
 * {@code Rng} stream in the order: q noise (17), qd noise (16), then goal (angle or goal cell). The distributions
 * are JaxGCRL's; the individual draws are not. JaxGCRL's own ant_maze.py has no U4/U5 layouts (they come from
 * scaling-crl) and no hardest-maze evaluation layout; see {@link org.crl4j.envs.maze.MazeLayout}. The q noise lands
 * on the free joint's quaternion too (as in JaxGCRL), which Brax's forward kinematics uses un-normalised for the
 * limbs' placement; the springs pull the limbs back in the first substeps.
 */
package org.crl4j.envs.ant;
