package org.crl4j.envs.pusher;

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

import org.crl4j.envs.maze.PointMazeRenderer;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.render.Strokes;
import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;

/**
 * The pusher's table from above (world x down the picture, y to the right, as the maze pictures): a 10 cm grid,
 * the goal with its 0.1 m success circle, the object, and the arm's capsules and spheres rebuilt from the observed
 * joint angles, lower parts first.
 */
public final class PusherRenderer implements SceneRenderer {

    private static final Color TABLE = new Color(238, 238, 232);
    private static final Color GRID = new Color(220, 220, 212);
    private static final Color GOAL = PointMazeRenderer.GOAL;
    private static final Color OBJECT = new Color(215, 50, 40);
    private static final Color ARM = new Color(120, 120, 130);
    // the view: x in [X0, X0 + SPAN], y in [Y0, Y0 + SPAN] (metres)
    private static final double X0 = -0.25, Y0 = -1.05, SPAN = 1.3;

    private final SpringSystem system;
    private final SpringBatch pose;
    private final int object;
    private final double[] objectBase; // the object's centre of mass at q = 0

    PusherRenderer(SpringSystem system) {
        this.system = system;
        this.pose = new SpringBatch(system, 1);
        this.object = system.link("object");
        pose.reset(0, new double[system.qSize()], new double[system.qdSize()]);
        this.objectBase = new double[] {pose.comX(0, object), pose.comY(0, object)};
    }

    @Override
    public synchronized BufferedImage render(float[] obs, int off, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be at least 1 pixel, got " + size);
        }
        double[] q = new double[system.qSize()];
        for (int k = 0; k < 7; k++) {
            q[k] = obs[off + k];
        }
        // the object's slides from its observed centre (y slide first, as the model lists them)
        q[7] = obs[off + 11] - objectBase[1];
        q[8] = obs[off + 10] - objectBase[0];
        pose.reset(0, q, new double[system.qdSize()]);
        double s = size / SPAN;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(TABLE);
            g.fillRect(0, 0, size, size);
            g.setColor(GRID);
            for (double v = Math.ceil(X0 * 10) / 10; v <= X0 + SPAN; v += 0.1) {
                g.draw(new Line2D.Double(0, (v - X0) * s, size, (v - X0) * s));
            }
            for (double v = Math.ceil(Y0 * 10) / 10; v <= Y0 + SPAN; v += 0.1) {
                g.draw(new Line2D.Double((v - Y0) * s, 0, (v - Y0) * s, size));
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            double gx = obs[off + Pusher.STATE_DIM], gy = obs[off + Pusher.STATE_DIM + 1];
            double r = Pusher.SUCCESS_THRESHOLD * s;
            g.setColor(GOAL);
            g.setStroke(new BasicStroke((float) Math.max(1, size / 300.0)));
            g.draw(new Ellipse2D.Double((gy - Y0) * s - r, (gx - X0) * s - r, 2 * r, 2 * r));
            g.fill(new Ellipse2D.Double((gy - Y0) * s - 2, (gx - X0) * s - 2, 4, 4));
            List<double[]> shapes = new ArrayList<>(); // a(3), b(3), radius, link
            for (int l = 0; l < system.numLinks(); l++) {
                for (Geom geom : system.linkGeoms(l)) {
                    if (geom.type() == GeomType.SPHERE || geom.type() == GeomType.CAPSULE) {
                        double[][] ends = pose.geomEnds(0, l, geom);
                        double[] a = ends[0], b = ends[1];
                        shapes.add(new double[] {a[0], a[1], a[2], b[0], b[1], b[2], geom.size()[0], l});
                    }
                }
            }
            shapes.sort(Comparator.comparingDouble(v -> Math.max(v[2], v[5])));
            for (double[] v : shapes) {
                boolean isObject = (int) v[7] == object;
                double top = Math.max(v[2], v[5]);
                g.setColor(isObject ? OBJECT
                        : Strokes.shade(ARM, 0.8 + 0.5 * Math.max(0, Math.min(1, (top + 0.4) / 0.8))));
                Strokes.capsule(g, (v[1] - Y0) * s, (v[0] - X0) * s, (v[4] - Y0) * s, (v[3] - X0) * s, v[6] * s);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

}
