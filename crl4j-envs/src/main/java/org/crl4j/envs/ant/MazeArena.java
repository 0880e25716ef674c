package org.crl4j.envs.ant;

import java.io.InputStream;
import java.util.Locale;

import org.crl4j.core.Rng;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel;
import org.crl4j.envs.spring.MjcfReader;
import org.crl4j.envs.spring.SpringSystem;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

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
    public static final double WALL_HEIGHT = 0.5 * CELL_SIZE;

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
        Element world = (Element) doc.getElementsByTagName("worldbody").item(0);
        for (int i = 0; i < layout.rows(); i++) {
            for (int j = 0; j < layout.cols(); j++) {
                if (!layout.isWall(i, j)) {
                    continue;
                }
                Element g = doc.createElement("geom");
                g.setAttribute("name", "block_" + i + "_" + j);
                g.setAttribute("type", "box");
                g.setAttribute("pos", String.format(Locale.ROOT, "%f %f %f", i * CELL_SIZE, j * CELL_SIZE,
                        WALL_HEIGHT / 2));
                g.setAttribute("size", String.format(Locale.ROOT, "%f %f %f", CELL_SIZE / 2, CELL_SIZE / 2,
                        WALL_HEIGHT / 2));
                g.setAttribute("contype", "1");
                g.setAttribute("conaffinity", "1");
                world.appendChild(g);
            }
        }
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
