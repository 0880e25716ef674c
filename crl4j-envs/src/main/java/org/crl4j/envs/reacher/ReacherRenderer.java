package org.crl4j.envs.reacher;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;

import org.crl4j.envs.render.SceneRenderer;

/**
 * The reacher seen from above: the square arena, the success disc (radius 0.05) around the target, the target,
 * both links and the fingertip, drawn from one observation row. Link 0 follows the shoulder angle; link 1 runs from
 * the elbow towards the observed fingertip, which is drawn where the observation puts it.
 */
public final class ReacherRenderer implements SceneRenderer {

    /** Half-width of the square of the world that is drawn (m). */
    static final double VIEW_HALF = 0.34;

    static final Color FLOOR = new Color(0xF4F1EA);
    static final Color WALL = new Color(0x8A8377);
    static final Color SUCCESS_DISC = new Color(0x9BD49B);
    static final Color TARGET = new Color(0xD0342C);
    static final Color ARM = new Color(0x2F5DA8);
    static final Color FOREARM = new Color(0x5B8BD6);
    static final Color JOINT = new Color(0x1B2F55);
    static final Color FINGERTIP = new Color(0xE8A33D);

    private final float successRadius;

    public ReacherRenderer() {
        this(Reacher.SPEC.successThreshold());
    }

    public ReacherRenderer(float successRadius) {
        this.successRadius = successRadius;
    }

    @Override
    public BufferedImage render(float[] obs, int off, int size) {
        if (size < 8) {
            throw new IllegalArgumentException("image size must be at least 8 pixels, got " + size);
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(FLOOR);
            g.fillRect(0, 0, size, size);
            double scale = size / (2 * VIEW_HALF);

            // arena walls: capsules along the sides of the ±0.3 square
            double a = ReacherGeometry.ARENA_HALF;
            stroke(g, scale, 2 * ReacherGeometry.ARENA_WALL_RADIUS, WALL);
            line(g, scale, size, -a, -a, a, -a);
            line(g, scale, size, a, -a, a, a);
            line(g, scale, size, a, a, -a, a);
            line(g, scale, size, -a, a, -a, -a);

            double cos0 = obs[off], cos1 = obs[off + 1], sin0 = obs[off + 2], sin1 = obs[off + 3];
            double tipX = obs[off + 4], tipY = obs[off + 5];
            double goalX = obs[off + Reacher.SPEC.stateDim()], goalY = obs[off + Reacher.SPEC.stateDim() + 1];

            disc(g, scale, size, goalX, goalY, successRadius, SUCCESS_DISC);
            disc(g, scale, size, goalX, goalY, ReacherGeometry.TARGET_RADIUS, TARGET);

            double elbowX = ReacherGeometry.ELBOW * cos0, elbowY = ReacherGeometry.ELBOW * sin0;
            // link 1 points at the fingertip; from the angles if the tip is degenerate
            double dx = tipX - elbowX, dy = tipY - elbowY;
            double len = Math.hypot(dx, dy);
            if (!(len > 1e-9)) {
                dx = cos0 * cos1 - sin0 * sin1;
                dy = sin0 * cos1 + cos0 * sin1;
                len = 1.0;
            }
            double linkEndX = elbowX + ReacherGeometry.LINK_LENGTH * dx / len;
            double linkEndY = elbowY + ReacherGeometry.LINK_LENGTH * dy / len;

            stroke(g, scale, 2 * ReacherGeometry.LINK_RADIUS, ARM);
            line(g, scale, size, 0, 0, elbowX, elbowY);
            stroke(g, scale, 2 * ReacherGeometry.LINK_RADIUS, FOREARM); // lighter, to tell a folded arm's links apart
            line(g, scale, size, elbowX, elbowY, linkEndX, linkEndY);
            disc(g, scale, size, 0, 0, 0.011, JOINT);
            disc(g, scale, size, elbowX, elbowY, 0.006, JOINT);
            disc(g, scale, size, tipX, tipY, ReacherGeometry.FINGERTIP_RADIUS, FINGERTIP);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void stroke(Graphics2D g, double scale, double width, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) Math.max(1.0, width * scale), BasicStroke.CAP_ROUND,
                BasicStroke.JOIN_ROUND));
    }

    private static void line(Graphics2D g, double scale, int size, double x0, double y0, double x1, double y1) {
        g.draw(new Line2D.Double(px(x0, scale, size), py(y0, scale, size), px(x1, scale, size),
                py(y1, scale, size)));
    }

    private static void disc(Graphics2D g, double scale, int size, double x, double y, double r, Color c) {
        double rp = Math.max(1.0, r * scale);
        g.setColor(c);
        g.fill(new Ellipse2D.Double(px(x, scale, size) - rp, py(y, scale, size) - rp, 2 * rp, 2 * rp));
    }

    /** World x to pixel column (origin at the centre). */
    static double px(double x, double scale, int size) {
        return size / 2.0 + x * scale;
    }

    /** World y to pixel row (y up). */
    static double py(double y, double scale, int size) {
        return size / 2.0 - y * scale;
    }
}
