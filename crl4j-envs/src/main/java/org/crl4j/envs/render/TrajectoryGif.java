package org.crl4j.envs.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An animated GIF of one environment's episode from its recorded observation rows. */
public final class TrajectoryGif {
    private TrajectoryGif() {
    }

    /**
     * Renders every {@code stride}-th observation of {@code observations} (each a row state ‖ goal) and writes
     * them as a looping GIF at {@code fps} frames per second.
     */
    public static void write(SceneRenderer renderer, List<float[]> observations, int size, int stride, int fps,
                             Path out) throws IOException {
        if (stride < 1 || fps < 1) {
            throw new IllegalArgumentException("stride and fps must be at least 1");
        }
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < observations.size(); i += stride) {
            frames.add(renderer.render(observations.get(i), 0, size));
        }
        Images.writeGif(frames, 1000 / fps, out);
    }
}
