/**
 * JaxGCRL's point-mass mazes ({@code simple_*_maze}): a ball pushed by two motors through a grid maze to a goal cell.
 *
 * <ul>
 *   <li>{@link org.crl4j.envs.maze.MazeLayout}: the grid ('#' wall, 'R' start, 'G' goal, '.' open), its validation,
 *   and the named layouts U, U4, U5, big, hardest with their far-goal {@code _EVAL} variants.</li>
 *   <li>{@link org.crl4j.envs.maze.PointMaze}: the batched environment (state x, y, vx, vy; goal x, y), its physics
 *   and wall contacts, with the JaxGCRL facts it follows and where it departs from Brax.</li>
 *   <li>{@link org.crl4j.envs.maze.PointMazeRenderer}: a top-down picture from one observation row.</li>
 *   <li>{@link org.crl4j.envs.maze.PointMazes}: the registry entries ({@code factories()}) and custom layouts
 *   ({@code custom(id, layout)}).</li>
 * </ul>
 */
package org.crl4j.envs.maze;
