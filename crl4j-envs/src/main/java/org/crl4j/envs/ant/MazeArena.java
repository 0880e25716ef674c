package org.crl4j.envs.ant;

import java.io.InputStream;

import org.crl4j.core.Rng;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.MazeWalls;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.MjcfReader;
import org.crl4j.envs.spring.SpringSystem;
import org.w3c.dom.Document;

/**
 * JaxGCRL's ant mazes ({@code jaxgcrl/envs/ant_maze.py}): {@code ant_maze.xml} plus one box per wall cell of a
 * {@link MazeLayout}, centred at (4i, 4j, 1) with half-extents (2, 2, 1) (maze_size_scaling 4, MAZE_HEIGHT 0.5);
 * the torso starts at the centre of the R cell (plus the reset noise on everything but x, y), the goal is the centre
 * of a uniformly drawn G cell.
 */
public final class MazeArena implements AntArena {

    /** maze_size_scaling of JaxGCRL's AntMaze. */
    public static final double CELL_SIZE = 4.0;
    /** MAZE_HEIGHT: walls are 0.5 · CELL_SIZE = 2 m high. */
    public static final double WALL_HEIGHT = MazeWalls.HEIGHT_IN_CELLS * CELL_SIZE;

    private final MazeLayout layout;
    private final MjcfModel model;

    public MazeArena(MazeLayout layout) {
        this.layout = layout;
        Document doc;
        try (InputStream in = MazeArena.class.getResourceAsStream("ant_maze.xml")) {
            if (in == null) {
                throw new IllegalStateException("ant_maze.xml missing from the classpath");
            }
            doc = MjcfReader.document(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read ant_maze.xml", e);
        }
        MazeWalls.appendTo(doc, layout, CELL_SIZE);
        this.model = MjcfReader.read(doc);
    }

    public MazeLayout layout() {
        return layout;
    }

    @Override
    public MjcfModel model() {
        return model;
    }

    @Override
    public void place(Rng rng, double[] q) {
        q[0] = layout.startRow() * CELL_SIZE;
        q[1] = layout.startCol() * CELL_SIZE;
        int g = rng.nextInt(layout.goalCount());
        q[q.length - 2] = layout.goalRow(g) * CELL_SIZE;
        q[q.length - 1] = layout.goalCol(g) * CELL_SIZE;
    }

    @Override
    public SceneRenderer renderer(SpringSystem ant) {
        return new AntRenderer(ant, layout, 0, 0, 0, 0);
    }
}
