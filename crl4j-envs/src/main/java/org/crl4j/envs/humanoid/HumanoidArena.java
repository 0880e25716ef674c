package org.crl4j.envs.humanoid;

import java.io.IOException;
import java.io.InputStream;

import org.crl4j.core.Rng;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.MazeWalls;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.MjcfReader;
import org.w3c.dom.Document;

/**
 * Where a humanoid task happens: JaxGCRL's {@code humanoid.xml} with the spring backend's gears (350 on the 11
 * abdomen, hip and knee motors, 100 on the 6 arm motors, replacing the file's 25–300), either on the open floor
 * ({@code jaxgcrl/envs/humanoid.py}: start at the origin, goal at distance U(1, 5) in a uniform direction, which
 * favours near goals) or in a maze ({@code humanoid_maze.py}: {@link MazeWalls} with 2 m cells and 1 m walls, start
 * at the R cell, goal at the centre of a uniformly drawn G cell).
 */
public final class HumanoidArena {

    /** JaxGCRL's HumanoidMaze maze_size_scaling ("was 4.0 for antmaze"). */
    public static final double CELL_SIZE = 2.0;
    /** min_goal_dist, max_goal_dist of JaxGCRL's Humanoid. */
    public static final double MIN_GOAL_DISTANCE = 1.0;
    public static final double MAX_GOAL_DISTANCE = 5.0;
    /** The spring backend's gears, in the file's motor order. */
    static final double[] SPRING_GEARS = {350, 350, 350, 350, 350, 350, 350, 350, 350, 350, 350,
        100, 100, 100, 100, 100, 100};

    private final MjcfModel model;
    private final MazeLayout layout; // null: the open floor

    private HumanoidArena(MazeLayout layout) {
        this.layout = layout;
        Document doc;
        try (InputStream in = HumanoidArena.class.getResourceAsStream("humanoid.xml")) {
            if (in == null) {
                throw new IllegalStateException("humanoid.xml missing from the classpath");
            }
            doc = MjcfReader.document(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read humanoid.xml", e);
        }
        if (layout != null) {
            MazeWalls.appendTo(doc, layout, CELL_SIZE);
        }
        this.model = MjcfReader.read(doc).withGears(SPRING_GEARS);
    }

    /** The open floor of {@code humanoid}. */
    public static HumanoidArena open() {
        return new HumanoidArena(null);
    }

    /** A maze of {@code humanoid_*_maze}. */
    public static HumanoidArena maze(MazeLayout layout) {
        return new HumanoidArena(layout);
    }

    public MjcfModel model() {
        return model;
    }

    /** The maze, or null on the open floor. */
    public MazeLayout layout() {
        return layout;
    }

    /** Sets the start (torso x, y at q[0:2], mazes only) and the goal (target x, y at q[qSize − 2 ..]). */
    void place(Rng rng, double[] q) {
        int n = q.length;
        if (layout == null) {
            double dist = MIN_GOAL_DISTANCE + (MAX_GOAL_DISTANCE - MIN_GOAL_DISTANCE) * rng.nextDouble();
            double angle = 2 * Math.PI * rng.nextDouble();
            q[n - 2] = dist * Math.cos(angle);
            q[n - 1] = dist * Math.sin(angle);
            return;
        }
        q[0] = layout.startRow() * CELL_SIZE;
        q[1] = layout.startCol() * CELL_SIZE;
        int g = rng.nextInt(layout.goalCount());
        q[n - 2] = layout.goalRow(g) * CELL_SIZE;
        q[n - 1] = layout.goalCol(g) * CELL_SIZE;
    }
}
