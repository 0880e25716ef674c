package org.crl4j.envs.maze;

import java.util.Locale;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The walls of a {@link MazeLayout} as MJCF geoms, as JaxGCRL's ant and humanoid mazes build them: one box per wall
 * cell (i, j), centred at ({@code cell}·i, {@code cell}·j, h/2) with half-extents (cell/2, cell/2, h/2), colliding
 * with everything (contype = conaffinity = 1). h is {@code MAZE_HEIGHT · cell} = cell/2.
 */
public final class MazeWalls {
    private MazeWalls() {
    }

    /** JaxGCRL's MAZE_HEIGHT: walls are this many cell sizes high. */
    public static final double HEIGHT_IN_CELLS = 0.5;

    /** Appends the wall boxes to the document's worldbody. */
    public static void appendTo(Document doc, MazeLayout layout, double cell) {
        Element world = (Element) doc.getElementsByTagName("worldbody").item(0);
        if (world == null) {
            throw new IllegalArgumentException("the MJCF document has no <worldbody>");
        }
        double h = HEIGHT_IN_CELLS * cell;
        for (int i = 0; i < layout.rows(); i++) {
            for (int j = 0; j < layout.cols(); j++) {
                if (!layout.isWall(i, j)) {
                    continue;
                }
                Element g = doc.createElement("geom");
                g.setAttribute("name", "block_" + i + "_" + j);
                g.setAttribute("type", "box");
                g.setAttribute("pos", String.format(Locale.ROOT, "%f %f %f", i * cell, j * cell, h / 2));
                g.setAttribute("size", String.format(Locale.ROOT, "%f %f %f", cell / 2, cell / 2, h / 2));
                g.setAttribute("contype", "1");
                g.setAttribute("conaffinity", "1");
                world.appendChild(g);
            }
        }
    }
}
