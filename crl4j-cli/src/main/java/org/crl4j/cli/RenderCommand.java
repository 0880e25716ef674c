package org.crl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.Images;
import org.crl4j.envs.render.TrajectoryGif;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crl4j render}: a picture of a task, or a GIF of a random-action episode. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Draw a task to a PNG (--out), or an episode with random or zero actions to a GIF (--gif).")
public final class RenderCommand implements Runnable {
    @Option(names = "--env", required = true, description = "Task id (see 'envs list').")
    String env;
    @Option(names = "--out", description = "PNG file of the start state.")
    Path out;
    @Option(names = "--gif", description = "Animated GIF of an episode (actions: --actions).")
    Path gif;
    @Option(names = "--actions", defaultValue = "random", description = "random (uniform in [-1, 1]) or zero (e.g. to "
            + "watch the humanoid stand, then fall); default ${DEFAULT-VALUE}.")
    String actions;
    @Option(names = "--steps", defaultValue = "200", description = "Steps in the GIF (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--size", defaultValue = "512", description = "Image width in pixels (default ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public void run() {
        if (out == null && gif == null) {
            throw new IllegalArgumentException("nothing to do: give --out FILE.png and/or --gif FILE.gif");
        }
        if (size < 32 || size > 8192) {
            throw new IllegalArgumentException("--size must be between 32 and 8192 pixels, got " + size);
        }
        if (!actions.equals("random") && !actions.equals("zero")) {
            throw new IllegalArgumentException("--actions must be 'random' or 'zero', got '" + actions + "'");
        }
        try (Parallel pool = new Parallel(1)) {
            VecEnv e = Envs.make(env, 1, seed, pool, VecEnv.ResetMode.SAME_START);
            if (out != null) {
                Images.writePng(e.renderer().render(e.observations(), 0, size), out);
                System.out.println("wrote " + out);
            }
            if (gif != null) {
                List<float[]> obs = new ArrayList<>();
                obs.add(e.observations().clone());
                Rng rng = new Rng(seed + 1);
                float[] a = new float[e.spec().actionDim()];
                for (int i = 0; i < steps; i++) {
                    if (actions.equals("random")) {
                        rng.fillUniform(a, 0, a.length, -1f, 1f);
                    }
                    e.step(a);
                    obs.add((e.terminated()[0] || e.truncated()[0]) ? e.finalObservations().clone() : e.observations().clone());
                    if (e.terminated()[0] || e.truncated()[0]) {
                        break;
                    }
                }
                TrajectoryGif.write(e.renderer(), obs, size, Math.max(1, obs.size() / 150), 20, gif);
                System.out.println("wrote " + gif + " (" + obs.size() + " steps)");
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
