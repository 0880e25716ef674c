package org.crl4j.envs.render;

import java.awt.image.BufferedImage;

/**
 * Draws a task from one observation row (state ‖ goal), so a recorded trajectory of observations is all that is
 * needed to render an episode. Implementations are cheap to call once per frame.
 */
public interface SceneRenderer {
    /** A picture of the scene described by {@code obs[off, off + observationDim)}, {@code size} pixels wide. */
    BufferedImage render(float[] obs, int off, int size);
}
