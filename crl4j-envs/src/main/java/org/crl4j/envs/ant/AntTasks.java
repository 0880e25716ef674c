package org.crl4j.envs.ant;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.maze.MazeLayout;

/** Registry entries: {@code ant} and the ant mazes ({@code ant_u_maze}, …, each also {@code _eval}). */
public final class AntTasks {
    private AntTasks() {
    }

    /** The built-in ant tasks, in a stable order. */
    public static List<EnvFactory> factories() {
        List<EnvFactory> out = new ArrayList<>();
        out.add(of("ant", "Brax spring ant (8 motors) to a goal 10 m away in a random direction", OpenArena::new));
        String[][] mazes = {{"u", "U maze"}, {"u4", "U4 maze"}, {"u5", "U5 maze"}, {"big", "big maze"},
            {"hardest", "hardest maze"}};
        for (String[] m : mazes) {
            for (String suffix : new String[] {"", "_eval"}) {
                MazeLayout layout = MazeLayout.named(m[0] + suffix);
                String id = "ant_" + m[0] + "_maze" + suffix;
                String what = "Brax spring ant to a goal cell in the " + m[1] + (suffix.isEmpty() ? "" : ", far goals")
                        + " (" + layout.rows() + "×" + layout.cols() + " cells of 4 m, " + layout.goalCount()
                        + " goal cells)";
                out.add(of(id, what, () -> new MazeArena(layout)));
            }
        }
        return out;
    }

    private static EnvFactory of(String id, String description, Supplier<AntArena> arena) {
        EnvSpec spec = new EnvSpec(id, description, Ant.STATE_DIM, new int[] {0, 1}, Ant.ACTION_DIM,
                Ant.SUCCESS_THRESHOLD, Ant.EPISODE_LENGTH);
        return EnvFactory.of(spec, (n, pool, mode) -> new Ant(spec, arena.get(), n, pool, mode));
    }
}
