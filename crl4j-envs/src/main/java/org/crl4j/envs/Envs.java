package org.crl4j.envs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;

/**
 * The registry of tasks, by id (JaxGCRL's ids where it has one): {@code Envs.make("simple_u_maze", 256, seed)}.
 */
public final class Envs {
    private Envs() {
    }

    private static final Map<String, EnvFactory> REGISTRY = new LinkedHashMap<>();

    static {
        for (EnvFactory f : builtIns()) {
            REGISTRY.put(f.spec().id(), f);
        }
    }

    private static List<EnvFactory> builtIns() {
        List<EnvFactory> all = new ArrayList<>();
        all.addAll(org.crl4j.envs.maze.PointMazes.factories());
        all.addAll(org.crl4j.envs.reacher.Reachers.factories());
        all.addAll(org.crl4j.envs.ant.AntTasks.factories());
        all.addAll(org.crl4j.envs.humanoid.HumanoidTasks.factories());
        all.addAll(org.crl4j.envs.pusher.PusherTasks.factories());
        return all;
    }

    /** Adds (or replaces) a task; e.g. a maze from the user's own layout. */
    public static synchronized void register(EnvFactory f) {
        REGISTRY.put(f.spec().id(), f);
    }

    /** Every registered task, in registration order. */
    public static synchronized List<EnvSpec> list() {
        List<EnvSpec> out = new ArrayList<>();
        for (EnvFactory f : REGISTRY.values()) {
            out.add(f.spec());
        }
        return Collections.unmodifiableList(out);
    }

    /** Prefix of an id that carries its own maze layout, e.g. {@code maze:#####/#R.G#/#####}. */
    public static final String CUSTOM_MAZE_PREFIX = "maze:";

    public static synchronized EnvFactory factory(String id) {
        if (id.startsWith(CUSTOM_MAZE_PREFIX)) {
            // A point-mass maze from the user's layout ('#' wall, 'R' start, 'G' goal cell, '.' open; rows by '/').
            String layout = id.substring(CUSTOM_MAZE_PREFIX.length());
            return REGISTRY.computeIfAbsent(id, k -> org.crl4j.envs.maze.PointMazes.custom(
                    "custom_maze_" + Integer.toHexString(layout.hashCode()), layout));
        }
        EnvFactory f = REGISTRY.get(id);
        if (f == null) {
            throw new IllegalArgumentException("unknown environment '" + id + "'" + suggestion(id)
                    + "; './crl4j envs list' shows them all (or give a maze as maze:LAYOUT)");
        }
        return f;
    }

    public static EnvSpec spec(String id) {
        return factory(id).spec();
    }

    /** N copies of task {@code id} on the shared pool, reset with {@code seed}, Brax's auto-reset mode. */
    public static VecEnv make(String id, int numEnvs, long seed) {
        return make(id, numEnvs, seed, Parallel.shared(), VecEnv.ResetMode.SAME_START);
    }

    public static VecEnv make(String id, int numEnvs, long seed, Parallel pool, VecEnv.ResetMode mode) {
        VecEnv env = factory(id).create(numEnvs, pool, mode);
        env.reset(seed);
        return env;
    }

    private static String suggestion(String id) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : REGISTRY.keySet()) {
            int d = editDistance(id, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, id.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
