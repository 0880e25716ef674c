package org.crl4j.envs.ant;

import org.crl4j.core.Rng;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.SpringSystem;

/** Where an ant task happens: its model (floor, walls, target) and how starts and goals are drawn. */
public interface AntArena {

    /** The MJCF model: the ant, the target body and whatever the arena adds. */
    MjcfModel model();

    /**
     * Sets the start and goal in {@code q} (after the reset noise has been added to it, as JaxGCRL does):
     * the torso x, y at q[0:2] when the arena fixes the start, the target x, y at q[qSize − 2 ..].
     */
    void place(Rng rng, double[] q);

    /** A picture of the ant in this arena from one observation row. */
    SceneRenderer renderer(SpringSystem system);
}
