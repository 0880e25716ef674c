package org.crl4j.envs.ant;

import org.crl4j.core.Rng;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.MjcfReader;
import org.crl4j.envs.spring.SpringSystem;

/**
 * JaxGCRL's {@code ant} ({@code jaxgcrl/envs/ant.py}): a flat floor, the ant starting at the origin (plus the
 * reset noise), the goal uniformly on the circle of radius {@link #GOAL_DISTANCE} around the origin.
 */
public final class OpenArena implements AntArena {

    /** goal_distance of JaxGCRL's Ant. */
    public static final double GOAL_DISTANCE = 10.0;

    private final MjcfModel model = MjcfReader.resource(OpenArena.class, "ant.xml");

    @Override
    public MjcfModel model() {
        return model;
    }

    @Override
    public void place(Rng rng, double[] q) {
        double angle = 2 * Math.PI * rng.nextDouble();
        q[q.length - 2] = GOAL_DISTANCE * Math.cos(angle);
        q[q.length - 1] = GOAL_DISTANCE * Math.sin(angle);
    }

    @Override
    public SceneRenderer renderer(SpringSystem ant) {
        return new AntRenderer(ant, null, -GOAL_DISTANCE - 2, GOAL_DISTANCE + 2, -GOAL_DISTANCE - 2,
                GOAL_DISTANCE + 2);
    }
}
