package org.crl4j.envs.maze;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;

import org.crl4j.envs.render.SceneRenderer;

/**
 * Top-down picture of a point maze, drawn as the layout string reads: layout row i is pixel row band i (world x grows
 * downwards), layout column j is pixel column band j (world y grows to the right). Shows the walls, the start cell,
 * every goal cell faintly, the current goal with its 0.5 m success circle, the ball to scale, and a one-cell
 * (4 m) scale bar in the bottom wall. The image is {@code size} pixels wide and as high as the maze's aspect needs.
 */
public final class PointMazeRenderer implements SceneRenderer {

    /** JaxGCRL's wall colour (rgba 0.7 0.5 0.3). */
    public static final Color WALL = new Color(178, 128, 77);
    public static final Color FLOOR = new Color(238, 238, 232);
    public static final Color START_CELL = new Color(206, 222, 250);
    public static final Color GOAL_CELL = new Color(218, 240, 216);
    public static final Color GOAL = new Color(30, 150, 60);
    public static final Color BALL = new Color(215, 50, 40);
    public static final Color SCALE = Color.WHITE;

    private final MazeLayout layout;
    private final double cell; // metres per cell

    public PointMazeRenderer(MazeLayout layout) {
        this(layout, PointMaze.CELL_SIZE);
    }

    /** A maze of {@code cellSize}-metre cells (the humanoid's are 2 m); the ball is drawn with its 0.25 m radius. */
    public PointMazeRenderer(MazeLayout layout, double cellSize) {
        this.layout = layout;
        this.cell = cellSize;
    }

    /** Height in pixels of a picture {@code size} pixels wide. */
    public int heightFor(int size) {
        return Math.max(1, (int) Math.round((double) size * layout.rows() / layout.cols()));
    }

    @Override
    public BufferedImage render(float[] obs, int off, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be at least 1 pixel, got " + size);
        }
        int rows = layout.rows();
        int cols = layout.cols();
        int height = heightFor(size);
        BufferedImage img = new BufferedImage(size, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            // Cells, with integer edges so that neighbouring cells tile exactly.
            for (int i = 0; i < rows; i++) {
                int y0 = edge(i, rows, height);
                int y1 = edge(i + 1, rows, height);
                for (int j = 0; j < cols; j++) {
                    int x0 = edge(j, cols, size);
                    int x1 = edge(j + 1, cols, size);
                    g.setColor(layout.isWall(i, j) ? WALL
                            : i == layout.startRow() && j == layout.startCol() ? START_CELL
                            : layout.isGoal(i, j) ? GOAL_CELL : FLOOR);
                    g.fillRect(x0, y0, x1 - x0, y1 - y0);
                }
            }
            double pxPerMetreX = (double) size / (cols * cell);
            double pxPerMetreY = (double) height / (rows * cell);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);

            // Scale bar: one cell long, in the bottom border wall, a quarter of the wall's height from its bottom.
            int barY0 = edge(rows - 1, rows, height);
            double barY = barY0 + 0.72 * (height - barY0);
            double barX0 = edge(1, cols, size);
            double barX1 = barX0 + cell * pxPerMetreX;
            float stroke = (float) Math.max(1, height / 200.0);
            g.setColor(SCALE);
            g.setStroke(new BasicStroke(stroke));
            g.draw(new Line2D.Double(barX0, barY, barX1, barY));
            double tick = Math.max(2, 0.12 * (height - barY0));
            g.draw(new Line2D.Double(barX0, barY - tick, barX0, barY + tick));
            g.draw(new Line2D.Double(barX1, barY - tick, barX1, barY + tick));
            label(g, (cell == Math.rint(cell) ? String.valueOf((long) cell) : String.valueOf(cell)) + " m",
                    barX1 + tick, barY + tick, (float) Math.max(6, 0.35 * (height - barY0)));

            // Current goal: the success circle (0.5 m) and its centre.
            double gx = obs[off + 4];
            double gy = obs[off + 5];
            g.setColor(GOAL);
            circle(g, gy * pxPerMetreX + size / (2.0 * cols), gx * pxPerMetreY + height / (2.0 * rows),
                    0.5 * pxPerMetreX, 0.5 * pxPerMetreY, false, stroke);
            circle(g, gy * pxPerMetreX + size / (2.0 * cols), gx * pxPerMetreY + height / (2.0 * rows),
                    Math.max(1.5, 0.1 * pxPerMetreX), Math.max(1.5, 0.1 * pxPerMetreY), true, stroke);

            // The ball, to scale.
            double bx = obs[off];
            double by = obs[off + 1];
            g.setColor(BALL);
            circle(g, by * pxPerMetreX + size / (2.0 * cols), bx * pxPerMetreY + height / (2.0 * rows),
                    Math.max(1.5, PointMaze.RADIUS * pxPerMetreX), Math.max(1.5, PointMaze.RADIUS * pxPerMetreY),
                    true, stroke);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Pixel edge k of n equal bands over {@code total} pixels. */
    private static int edge(int k, int n, int total) {
        return (int) Math.round((double) k * total / n);
    }

    private static void circle(Graphics2D g, double cx, double cy, double rx, double ry, boolean fill, float stroke) {
        Ellipse2D e = new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry);
        if (fill) {
            g.fill(e);
        } else {
            g.setStroke(new BasicStroke(stroke));
            g.draw(e);
        }
    }

    private static void label(Graphics2D g, String text, double x, double baseline, float points) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(points)));
            g.drawString(text, (float) x, (float) baseline);
        } catch (RuntimeException | Error e) {
            // A headless JDK without fonts cannot draw text; the bar is still there, only its label is lost.
        }
    }
}
