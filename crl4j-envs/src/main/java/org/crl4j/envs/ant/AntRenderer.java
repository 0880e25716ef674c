package org.crl4j.envs.ant;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.PointMazeRenderer;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;

/**
 * Top-down picture of the ant from one observation row: the pose is rebuilt from the observed q (torso pose and
 * joint angles) by forward kinematics, every sphere and capsule is projected orthographically onto the floor, drawn
 * from low to high with a shade that brightens with height, over a drop shadow. In a maze the walls, start cell,
 * goal cells and goal are drawn as {@link PointMazeRenderer} draws them (world x down, world y to the right); in the
 * open arena the view spans the given box, with a 2 m grid and the circle the goals lie on.
 */
public final class AntRenderer implements SceneRenderer {

    private static final Color FLOOR = new Color(238, 238, 232);
    private static final Color GRID = new Color(215, 215, 208);
    private static final Color GOAL = PointMazeRenderer.GOAL;
    private static final Color SHADOW = new Color(0, 0, 0, 50);

    private final SpringSystem system;
    private final MazeLayout layout;
    private final double x0, x1, y0, y1;
    private final SpringBatch pose;

    /** {@code layout} null: the open arena over [x0, x1] × [y0, y1]. */
    AntRenderer(SpringSystem system, MazeLayout layout, double x0, double x1, double y0, double y1) {
        this.system = system;
        this.layout = layout;
        this.x0 = x0;
        this.x1 = x1;
        this.y0 = y0;
        this.y1 = y1;
        this.pose = new SpringBatch(system, 1);
    }

    @Override
    public synchronized BufferedImage render(float[] obs, int off, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be at least 1 pixel, got " + size);
        }
        int qs = system.qSize();
        double[] q = new double[qs];
        for (int k = 0; k < qs - 2; k++) {
            q[k] = obs[off + k];
        }
        double gx = obs[off + Ant.STATE_DIM];
        double gy = obs[off + Ant.STATE_DIM + 1];
        q[qs - 2] = gx;
        q[qs - 1] = gy;
        pose.reset(0, q, new double[system.qdSize()]);

        BufferedImage img;
        double sx; // pixels per metre along world y (image x)
        double sy; // pixels per metre along world x (image y)
        double cx; // image x of world y = 0
        double cy; // image y of world x = 0
        if (layout != null) {
            PointMazeRenderer maze = new PointMazeRenderer(layout);
            // the maze, its goal cells and the goal, with the torso drawn as the ball (both 0.25 m)
            img = maze.render(new float[] {obs[off], obs[off + 1], 0, 0, (float) gx, (float) gy}, 0, size);
            sx = (double) size / (layout.cols() * MazeArena.CELL_SIZE);
            sy = (double) img.getHeight() / (layout.rows() * MazeArena.CELL_SIZE);
            cx = size / (2.0 * layout.cols());
            cy = img.getHeight() / (2.0 * layout.rows());
        } else {
            int height = Math.max(1, (int) Math.round(size * (x1 - x0) / (y1 - y0)));
            img = new BufferedImage(size, height, BufferedImage.TYPE_INT_RGB);
            sx = size / (y1 - y0);
            sy = height / (x1 - x0);
            cx = -y0 * sx;
            cy = -x0 * sy;
            Graphics2D g = img.createGraphics();
            try {
                g.setColor(FLOOR);
                g.fillRect(0, 0, size, height);
                g.setColor(GRID);
                for (double y = Math.ceil(y0 / 2) * 2; y <= y1; y += 2) {
                    g.draw(new Line2D.Double(cx + y * sx, 0, cx + y * sx, height));
                }
                for (double x = Math.ceil(x0 / 2) * 2; x <= x1; x += 2) {
                    g.draw(new Line2D.Double(0, cy + x * sy, size, cy + x * sy));
                }
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.draw(new Ellipse2D.Double(cx - OpenArena.GOAL_DISTANCE * sx, cy - OpenArena.GOAL_DISTANCE * sy,
                        2 * OpenArena.GOAL_DISTANCE * sx, 2 * OpenArena.GOAL_DISTANCE * sy));
                g.setColor(GOAL);
                g.setStroke(new BasicStroke((float) Math.max(1, size / 300.0)));
                g.draw(new Ellipse2D.Double(cx + gy * sx - 0.5 * sx, cy + gx * sy - 0.5 * sy, sx, sy));
            } finally {
                g.dispose();
            }
        }
        drawAnt(img, sx, sy, cx, cy);
        return img;
    }

    /** A geom projected: its centre (or two ends) in the world, radius, height for shading. */
    private record Shape(double[] a, double[] b, double r, double z) {
    }

    private void drawAnt(BufferedImage img, double sx, double sy, double cx, double cy) {
        List<Shape> shapes = new ArrayList<>();
        for (int l = 0; l < system.numLinks(); l++) {
            for (Geom g : system.linkGeoms(l)) {
                if (g.type() == GeomType.SPHERE) {
                    double[] c = pose.linkPoint(0, l, g.pos());
                    shapes.add(new Shape(c, c, g.size()[0], c[2]));
                } else if (g.type() == GeomType.CAPSULE) {
                    double[][] ends = pose.geomEnds(0, l, g);
                    double[] a = ends[0], b = ends[1];
                    shapes.add(new Shape(a, b, g.size()[0], (a[2] + b[2]) / 2));
                }
            }
        }
        shapes.sort(Comparator.comparingDouble(Shape::z));
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            double shadow = 0.12; // metres of shadow offset per metre of height
            for (Shape s : shapes) {
                paint(g, s, sx, sy, cx, cy, SHADOW, shadow);
            }
            for (Shape s : shapes) {
                float t = (float) Math.max(0, Math.min(1, s.z / 1.0));
                Color c = new Color(0.45f + 0.45f * t, 0.25f + 0.3f * t, 0.15f + 0.2f * t);
                paint(g, s, sx, sy, cx, cy, c, 0);
            }
        } finally {
            g.dispose();
        }
    }

    private static void paint(Graphics2D g, Shape s, double sx, double sy, double cx, double cy, Color colour,
                              double shadow) {
        g.setColor(colour);
        double ax = cx + (s.a[1] + shadow * s.a[2]) * sx, ay = cy + (s.a[0] + shadow * s.a[2]) * sy;
        double bx = cx + (s.b[1] + shadow * s.b[2]) * sx, by = cy + (s.b[0] + shadow * s.b[2]) * sy;
        double rx = Math.max(1, s.r * sx), ry = Math.max(1, s.r * sy);
        if (ax == bx && ay == by) {
            g.fill(new Ellipse2D.Double(ax - rx, ay - ry, 2 * rx, 2 * ry));
        } else {
            g.setStroke(new BasicStroke((float) (rx + ry), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(ax, ay, bx, by));
        }
    }

}
