package org.crl4j.envs.pusher;

import java.util.List;

import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;

/**
 * Registry entries: {@code pusher} (scaling-crl's spring pusher, goals near the object: JaxGCRL's
 * {@code pusher_easy}) and {@code pusher_hard} (goals anywhere on a 1 m square).
 */
public final class PusherTasks {
    private PusherTasks() {
    }

    public static List<EnvFactory> factories() {
        return List.of(
                of("pusher", "Brax spring pusher arm (7 motors) pushing a capsule to a goal 0.25 m beside it",
                        Pusher.Kind.EASY),
                of("pusher_hard", "Brax spring pusher arm (7 motors) pushing a capsule to a goal anywhere on a 1 m "
                        + "square", Pusher.Kind.HARD));
    }

    private static EnvFactory of(String id, String description, Pusher.Kind kind) {
        EnvSpec spec = new EnvSpec(id, description, Pusher.STATE_DIM, new int[] {10, 11, 12}, Pusher.ACTION_DIM,
                Pusher.SUCCESS_THRESHOLD, Pusher.EPISODE_LENGTH);
        return EnvFactory.of(spec, (n, pool, mode) -> new Pusher(spec, kind, n, pool, mode));
    }
}
