package org.crl4j.envs.humanoid;

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
import org.crl4j.envs.render.Strokes;
import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;

/**
 * The humanoid from one observation row, in two panels: on top a side view (world x to the right, z up) that
 * follows the torso over 4 m of floor, so a user sees it stand, walk or fall, with the 1 m ticks of the floor, the
 * target height 1.25 m and the goal when it is in view; below, the floor from above (the maze as
 * {@link PointMazeRenderer} draws it with the torso as the ball, or 12 m × 12 m of open floor with the 1 m and 5 m
 * rings the goals are drawn between), with the body's shadow. The pose is rebuilt from the observed q by forward
 * kinematics.
 */
public final class HumanoidRenderer implements SceneRenderer {

    private static final Color SKY = new Color(232, 238, 246);
    private static final Color GROUND = new Color(205, 198, 185);
    private static final Color TICK = new Color(150, 140, 125);
    private static final Color FLOOR = PointMazeRenderer.FLOOR;
    private static final Color GRID = new Color(215, 215, 208);
    private static final Color GOAL = PointMazeRenderer.GOAL;
    private static final Color BODY = new Color(170, 120, 80);
    private static final double SIDE_SPAN = 4.0;  // metres of x in the side view
    private static final double SIDE_LOW = -0.2;  // lowest z shown
    private static final double OPEN_HALF = 6.0;  // half-width of the open floor's top view

    private final SpringSystem system;
    private final MazeLayout layout;
    private final SpringBatch pose;

    HumanoidRenderer(SpringSystem system, MazeLayout layout) {
        this.system = system;
        this.layout = layout;
        this.pose = new SpringBatch(system, 1);
    }

    @Override
    public synchronized BufferedImage render(float[] obs, int off, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be at least 1 pixel, got " + size);
        }
        double[] q = new double[system.qSize()];
        for (int k = 0; k < q.length; k++) {
            q[k] = obs[off + k];
        }
        pose.reset(0, q, new double[system.qdSize()]);
        double gx = obs[off + Humanoid.STATE_DIM], gy = obs[off + Humanoid.STATE_DIM + 1];
        List<Shape> shapes = shapes();
        BufferedImage top = top(obs[off], obs[off + 1], gx, gy, shapes, size);
        int sideHeight = Math.max(1, size / 2);
        BufferedImage img = new BufferedImage(size, sideHeight + top.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            side(g, q[0], gx, gy, shapes, size, sideHeight);
            g.drawImage(top, 0, sideHeight, null);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** A geom in the world: its two ends (equal for a sphere) and radius. */
    private record Shape(double[] a, double[] b, double r) {
        double y() {
            return (a[1] + b[1]) / 2;
        }

        double z() {
            return (a[2] + b[2]) / 2;
        }
    }

    private List<Shape> shapes() {
        List<Shape> out = new ArrayList<>();
        for (int l = 0; l < system.numLinks(); l++) {
            for (Geom g : system.linkGeoms(l)) {
                if (g.type() == GeomType.SPHERE || g.type() == GeomType.CAPSULE) {
                    double[][] ends = pose.geomEnds(0, l, g);
                    out.add(new Shape(ends[0], ends[1], g.size()[0]));
                }
            }
        }
        return out;
    }

    private void side(Graphics2D g, double torsoX, double gx, double gy, List<Shape> shapes, int w, int h) {
        double s = w / SIDE_SPAN;           // pixels per metre
        double x0 = torsoX - SIDE_SPAN / 2; // world x at the left edge
        double zTop = SIDE_LOW + h / s;
        g.setColor(SKY);
        g.fillRect(0, 0, w, h);
        double groundY = (zTop - 0) * s;
        g.setColor(GROUND);
        g.fillRect(0, (int) Math.round(groundY), w, h);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(TICK);
        for (double x = Math.ceil(x0); x <= x0 + SIDE_SPAN; x += 1) {
            double px = (x - x0) * s;
            g.draw(new Line2D.Double(px, groundY, px, groundY + Math.max(2, s * 0.08)));
        }
        // the goal's height, dashed, and the goal sphere (0.5 m) where it is in view
        double targetY = (zTop - Humanoid.TARGET_Z) * s;
        g.setColor(GOAL);
        g.setStroke(new BasicStroke((float) Math.max(1, w / 400.0), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {(float) (s * 0.1), (float) (s * 0.1)}, 0));
        g.draw(new Line2D.Double(0, targetY, w, targetY));
        g.setStroke(new BasicStroke((float) Math.max(1, w / 300.0)));
        double r = Humanoid.SUCCESS_THRESHOLD * s;
        g.draw(new Ellipse2D.Double((gx - x0) * s - r, targetY - r, 2 * r, 2 * r));
        // far limbs first (the camera looks along +y)
        List<Shape> order = new ArrayList<>(shapes);
        order.sort(Comparator.comparingDouble(Shape::y).reversed());
        double ymin = shapes.stream().mapToDouble(Shape::y).min().orElse(0);
        double ymax = shapes.stream().mapToDouble(Shape::y).max().orElse(0);
        for (Shape sh : order) {
            double t = ymax > ymin ? (sh.y() - ymin) / (ymax - ymin) : 0; // 0 near, 1 far
            g.setColor(Strokes.shade(BODY, 1.15 - 0.4 * t));
            Strokes.capsule(g, (sh.a()[0] - x0) * s, (zTop - sh.a()[2]) * s, (sh.b()[0] - x0) * s, (zTop - sh.b()[2]) * s,
                    sh.r() * s);
        }
    }

    private BufferedImage top(double tx, double ty, double gx, double gy, List<Shape> shapes, int size) {
        BufferedImage img;
        double sx, sy, cx, cy; // pixels per metre along world y (image x) and x (image y); image of world (0, 0)
        if (layout != null) {
            img = new PointMazeRenderer(layout, HumanoidArena.CELL_SIZE).render(new float[] {(float) tx, (float) ty, 0, 0, (float) gx,
                (float) gy}, 0, size);
            sx = (double) size / (layout.cols() * HumanoidArena.CELL_SIZE);
            sy = (double) img.getHeight() / (layout.rows() * HumanoidArena.CELL_SIZE);
            cx = size / (2.0 * layout.cols());
            cy = img.getHeight() / (2.0 * layout.rows());
        } else {
            img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            sx = sy = size / (2 * OPEN_HALF);
            cx = cy = size / 2.0;
            Graphics2D g = img.createGraphics();
            try {
                g.setColor(FLOOR);
                g.fillRect(0, 0, size, size);
                g.setColor(GRID);
                for (double v = -OPEN_HALF; v <= OPEN_HALF; v += 1) {
                    g.draw(new Line2D.Double(cx + v * sx, 0, cx + v * sx, size));
                    g.draw(new Line2D.Double(0, cy + v * sy, size, cy + v * sy));
                }
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                for (double rad : new double[] {HumanoidArena.MIN_GOAL_DISTANCE, HumanoidArena.MAX_GOAL_DISTANCE}) {
                    g.draw(new Ellipse2D.Double(cx - rad * sx, cy - rad * sy, 2 * rad * sx, 2 * rad * sy));
                }
                g.setColor(GOAL);
                g.setStroke(new BasicStroke((float) Math.max(1, size / 300.0)));
                double r = Humanoid.SUCCESS_THRESHOLD;
                g.draw(new Ellipse2D.Double(cx + (gy - r) * sy, cy + (gx - r) * sx, 2 * r * sx, 2 * r * sy));
            } finally {
                g.dispose();
            }
        }
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            List<Shape> order = new ArrayList<>(shapes);
            order.sort(Comparator.comparingDouble(Shape::z));
            for (Shape sh : order) {
                g.setColor(Strokes.shade(BODY, 0.7 + 0.3 * Math.min(1, Math.max(0, sh.z() / 1.6))));
                Strokes.capsule(g, cx + sh.a()[1] * sx, cy + sh.a()[0] * sy, cx + sh.b()[1] * sx, cy + sh.b()[0] * sy,
                        sh.r() * sx);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

}
