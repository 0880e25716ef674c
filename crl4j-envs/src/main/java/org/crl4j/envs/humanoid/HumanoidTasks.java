package org.crl4j.envs.humanoid;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.maze.MazeLayout;

/**
 * Registry entries: {@code humanoid} and the humanoid mazes ({@code humanoid_u_maze}, {@code humanoid_big_maze},
 * {@code humanoid_hardest_maze}, each also {@code _eval} with only the far goal cells; JaxGCRL has no hardest
 * evaluation layout, so {@code humanoid_hardest_maze_eval} uses crl4j's, as {@code ant_hardest_maze_eval} does).
 */
public final class HumanoidTasks {
    private HumanoidTasks() {
    }

    /** The built-in humanoid tasks, in a stable order. */
    public static List<EnvFactory> factories() {
        List<EnvFactory> out = new ArrayList<>();
        out.add(of("humanoid", "Brax spring humanoid (17 motors) to a goal 1-5 m away at torso height",
                HumanoidArena::open));
        String[][] mazes = {{"u", "U maze"}, {"big", "big maze"}, {"hardest", "hardest maze"}};
        for (String[] m : mazes) {
            for (String suffix : new String[] {"", "_eval"}) {
                MazeLayout layout = MazeLayout.named(m[0] + suffix);
                String id = "humanoid_" + m[0] + "_maze" + suffix;
                String what = "Brax spring humanoid to a goal cell in the " + m[1]
                        + (suffix.isEmpty() ? "" : ", far goals") + " (" + layout.rows() + "×" + layout.cols()
                        + " cells of 2 m, " + layout.goalCount() + " goal cells)";
                out.add(of(id, what, () -> HumanoidArena.maze(layout)));
            }
        }
        return out;
    }

    private static EnvFactory of(String id, String description, Supplier<HumanoidArena> arena) {
        EnvSpec spec = new EnvSpec(id, description, Humanoid.STATE_DIM, new int[] {0, 1, 2}, Humanoid.ACTION_DIM,
                Humanoid.SUCCESS_THRESHOLD, Humanoid.EPISODE_LENGTH);
        return EnvFactory.of(spec, (n, pool, mode) -> new Humanoid(spec, arena.get(), n, pool, mode));
    }
}
