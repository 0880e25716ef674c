package org.crl4j.envs.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;

/** Drawing helpers the body renderers share: capsules as round-capped strokes, and shading a colour. */
public final class Strokes {
    private Strokes() {
    }

    /** A capsule of radius r pixels between two image points (a disc where they coincide). */
    public static void capsule(Graphics2D g, double ax, double ay, double bx, double by, double r) {
        float width = (float) Math.max(1, 2 * r);
        if (Math.abs(ax - bx) < 1e-9 && Math.abs(ay - by) < 1e-9) {
            g.fill(new Ellipse2D.Double(ax - width / 2.0, ay - width / 2.0, width, width));
        } else {
            g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(ax, ay, bx, by));
        }
    }

    /** {@code c} with every channel times f, clamped to [0, 255]. */
    public static Color shade(Color c, double f) {
        return new Color(clamp(c.getRed() * f), clamp(c.getGreen() * f), clamp(c.getBlue() * f));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
