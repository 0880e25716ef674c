package org.crl4j.envs.maze;

import java.util.List;
import java.util.regex.Pattern;

import org.crl4j.core.Parallel;
import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv;

/**
 * The point-mass maze tasks: {@link #factories()} lists the built-in ones for the registry
 * ({@code simple_u_maze}, {@code simple_u4_maze}, {@code simple_u5_maze}, {@code simple_big_maze},
 * {@code simple_hardest_maze}, each also with {@code _eval}, the far goals only), {@link #custom} makes one from a
 * layout string.
 */
public final class PointMazes {
    private PointMazes() {
    }

    /** JaxGCRL's episode length for every task. */
    public static final int EPISODE_LENGTH = 1000;
    /** Success radius around the goal (goal_reach_thresh). */
    public static final float SUCCESS_THRESHOLD = 0.5f;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_\\-]*");

    /** Builds N copies of one maze. */
    private record Factory(EnvSpec spec, MazeLayout layout) implements EnvFactory {
        @Override
        public VecEnv create(int numEnvs, Parallel pool, VecEnv.ResetMode resetMode) {
            return new PointMaze(spec, layout, numEnvs, pool, resetMode);
        }
    }

    /** The built-in mazes, training layout then its evaluation layout, in a stable order. */
    public static List<EnvFactory> factories() {
        return List.of(
                of("simple_u_maze", "U maze", MazeLayout.U),
                of("simple_u_maze_eval", "U maze, far goals", MazeLayout.U_EVAL),
                of("simple_u4_maze", "U4 maze", MazeLayout.U4),
                of("simple_u4_maze_eval", "U4 maze, far goals", MazeLayout.U4_EVAL),
                of("simple_u5_maze", "U5 maze", MazeLayout.U5),
                of("simple_u5_maze_eval", "U5 maze, far goals", MazeLayout.U5_EVAL),
                of("simple_big_maze", "big maze", MazeLayout.BIG),
                of("simple_big_maze_eval", "big maze, far goals", MazeLayout.BIG_EVAL),
                of("simple_hardest_maze", "hardest maze", MazeLayout.HARDEST),
                of("simple_hardest_maze_eval", "hardest maze, far goals", MazeLayout.HARDEST_EVAL));
    }

    /**
     * A point maze on the user's own layout (see {@link MazeLayout#parse}), e.g.
     * {@code Envs.register(PointMazes.custom("my_maze", "#####/#R..#/###.#/#G..#/#####"))}.
     */
    public static EnvFactory custom(String id, String layout) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid environment id '" + id + "'; use lower-case letters, digits, "
                    + "'_' and '-', starting with a letter or digit");
        }
        return of(id, "custom maze " + layout, MazeLayout.parse(layout));
    }

    /** A point maze on an already parsed layout. */
    public static EnvFactory of(String id, String name, MazeLayout layout) {
        String description = "point mass (r 0.25 m, 2 motors) to a goal cell in the " + name + " ("
                + layout.rows() + "×" + layout.cols() + " cells of 4 m, " + layout.goalCount() + " goal cells)";
        EnvSpec spec = new EnvSpec(id, description, 4, new int[] {0, 1}, 2, SUCCESS_THRESHOLD, EPISODE_LENGTH);
        return new Factory(spec, layout);
    }
}
