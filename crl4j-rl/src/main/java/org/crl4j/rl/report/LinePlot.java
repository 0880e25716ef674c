package org.crl4j.rl.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.crl4j.core.io.AtomicFiles;
import org.crl4j.envs.render.Images;

/**
 * Line charts of metrics with the JDK only, as PNG (java.awt) and SVG (text): series of (x, y) points, each with an
 * optional ± band (standard error over seeds), optional dashed horizontal reference lines (a random baseline),
 * axes with round ticks and a legend. One layout computation serves both outputs.
 */
public final class LinePlot {

    /** One line; {@code err} may be null (no band). */
    public record Series(String name, double[] x, double[] y, double[] err) {
        public Series {
            if (x.length != y.length || (err != null && err.length != y.length)) {
                throw new IllegalArgumentException("series " + name + ": x, y and err must have the same length");
            }
        }
    }

    /** A dashed horizontal line, e.g. the random policy's score. */
    public record Reference(String name, double y) {
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private int width = 800;
    private int height = 500;
    /** Labels of a categorical x axis (series x values are indices into it), null for a numeric axis. */
    private List<String> xCategories;

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; points whose x or y is not finite (e.g. a group with no finished run yet) are left out. */
    public LinePlot add(Series s) {
        int n = 0;
        for (int i = 0; i < s.y().length; i++) {
            if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                n++;
            }
        }
        if (n < s.y().length) {
            double[] x = new double[n], y = new double[n], err = s.err() == null ? null : new double[n];
            for (int i = 0, k = 0; i < s.y().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    x[k] = s.x()[i];
                    y[k] = s.y()[i];
                    if (err != null) {
                        err[k] = Double.isFinite(s.err()[i]) ? s.err()[i] : 0;
                    }
                    k++;
                }
            }
            s = new Series(s.name(), x, y, err);
        }
        series.add(s);
        return this;
    }

    public LinePlot reference(String name, double y) {
        references.add(new Reference(name, y));
        return this;
    }

    /**
     * Makes the x axis categorical: series' x values are indices into {@code labels}, drawn evenly spaced and labelled
     * (e.g. depths 4, 8, 16, 32, or ablation names).
     */
    public LinePlot xCategories(List<String> labels) {
        this.xCategories = List.copyOf(labels);
        return this;
    }

    public LinePlot size(int w, int h) {
        this.width = w;
        this.height = h;
        return this;
    }

    // ---- layout ----------------------------------------------------------------------------------------------------

    private static final int LEFT = 80;
    private static final int MIN_RIGHT = 180;
    /** Legend column width: at least MIN_RIGHT, wider (and the image with it) for long series names. */
    private int right = MIN_RIGHT;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private double x0 = Double.POSITIVE_INFINITY;
    private double x1 = Double.NEGATIVE_INFINITY;
    private double y0 = Double.POSITIVE_INFINITY;
    private double y1 = Double.NEGATIVE_INFINITY;

    private void computeRange() {
        int longest = 0;
        for (Series s : series) {
            longest = Math.max(longest, s.name().length());
        }
        for (Reference r : references) {
            longest = Math.max(longest, r.name().length());
        }
        int needed = Math.max(MIN_RIGHT, 56 + (int) Math.ceil(7.5 * longest)); // ≈ 7.5 px per character at 12 px sans-serif
        width += needed - right;
        right = needed;
        x0 = y0 = Double.POSITIVE_INFINITY;
        x1 = y1 = Double.NEGATIVE_INFINITY;
        boolean nonNegative = true; // every value ≥ 0 (e.g. time at goal): error bands stop at 0, not below the axis
        for (Series s : series) {
            for (double v : s.y()) {
                nonNegative &= !(v < 0);
            }
        }
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i]) || !Double.isFinite(s.x()[i])) {
                    continue;
                }
                double e = s.err() == null || !Double.isFinite(s.err()[i]) ? 0 : s.err()[i];
                x0 = Math.min(x0, s.x()[i]);
                x1 = Math.max(x1, s.x()[i]);
                y0 = Math.min(y0, nonNegative ? Math.max(0, s.y()[i] - e) : s.y()[i] - e);
                y1 = Math.max(y1, s.y()[i] + e);
            }
        }
        for (Reference r : references) {
            y0 = Math.min(y0, r.y());
            y1 = Math.max(y1, r.y());
        }
        if (!(x0 <= x1)) {
            x0 = 0;
            x1 = 1;
        }
        if (!(y0 <= y1)) {
            y0 = 0;
            y1 = 1;
        }
        y0 = Math.min(y0, 0);
        if (xCategories != null) {
            x0 = -0.5;
            x1 = xCategories.size() - 0.5;
        }
        if (x1 == x0) {
            x1 = x0 + 1;
        }
        if (y1 == y0) {
            y1 = y0 + 1;
        }
        double step = niceStep(y1 - y0);
        y1 = Math.ceil(y1 / step) * step;
        y0 = Math.floor(y0 / step) * step;
    }

    private double px(double x) {
        return LEFT + (x - x0) / (x1 - x0) * (width - LEFT - right);
    }

    private double py(double y) {
        return height - BOTTOM - (y - y0) / (y1 - y0) * (height - TOP - BOTTOM);
    }

    private record Tick(double at, String label) {
    }

    /** Round numbers on a numeric axis, one tick per label on a categorical one. */
    private List<Tick> xTicks() {
        List<Tick> ticks = new ArrayList<>();
        if (xCategories != null) {
            for (int i = 0; i < xCategories.size(); i++) {
                ticks.add(new Tick(i, xCategories.get(i)));
            }
            return ticks;
        }
        double xs = niceStep(x1 - x0);
        for (double v = Math.ceil(x0 / xs) * xs; v <= x1 + xs / 2; v += xs) {
            ticks.add(new Tick(v, label(v)));
        }
        return ticks;
    }

    static double niceStep(double span) {
        double raw = span / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    }

    static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (a == Math.rint(a)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    // ---- PNG -------------------------------------------------------------------------------------------------------

    public BufferedImage render() {
        computeRange();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // grid and ticks
        double ys = niceStep(y1 - y0);
        for (double v = y0; v <= y1 + ys / 2; v += ys) {
            int y = (int) Math.round(py(v));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, y, width - right, y);
            g.setColor(Color.DARK_GRAY);
            String s = label(v);
            g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        for (Tick t : xTicks()) {
            int x = (int) Math.round(px(t.at()));
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x, TOP, x, height - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String s = t.label();
            g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, height - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, width - LEFT - right, height - TOP - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, TOP - 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, (LEFT + width - right) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, height - 18);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString(yLabel, -(TOP + height - BOTTOM) / 2 - g.getFontMetrics().stringWidth(yLabel) / 2, 20);
        gy.dispose();
        int legendY = TOP + 10;
        for (int k = 0; k < references.size(); k++) {
            Reference r = references.get(k);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            int y = (int) Math.round(py(r.y()));
            g.drawLine(LEFT, y, width - right, y);
            g.drawLine(width - right + 12, legendY, width - right + 36, legendY);
            g.setStroke(new BasicStroke(1));
            g.drawString(r.name(), width - right + 42, legendY + 4);
            legendY += 18;
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color c = PALETTE[k % PALETTE.length];
            if (s.x().length == 0) {
                continue; // nothing to draw (e.g. a group none of whose runs has reached an evaluation)
            }
            if (s.err() != null) {
                Path2D band = new Path2D.Double();
                boolean started = false;
                for (int i = 0; i < s.x().length; i++) {
                    double y = s.y()[i] + s.err()[i];
                    if (!started) {
                        band.moveTo(px(s.x()[i]), py(y));
                        started = true;
                    } else {
                        band.lineTo(px(s.x()[i]), py(y));
                    }
                }
                for (int i = s.x().length - 1; i >= 0; i--) {
                    band.lineTo(px(s.x()[i]), py(Math.max(y0, s.y()[i] - s.err()[i])));
                }
                band.closePath();
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                g.fill(band);
            }
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            Path2D line = new Path2D.Double();
            for (int i = 0; i < s.x().length; i++) {
                if (i == 0) {
                    line.moveTo(px(s.x()[i]), py(s.y()[i]));
                } else {
                    line.lineTo(px(s.x()[i]), py(s.y()[i]));
                }
            }
            g.draw(line);
            for (int i = 0; i < s.x().length; i++) {
                g.fillOval((int) Math.round(px(s.x()[i])) - 3, (int) Math.round(py(s.y()[i])) - 3, 6, 6);
            }
            g.drawLine(width - right + 12, legendY, width - right + 36, legendY);
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), width - right + 42, legendY + 4);
            legendY += 18;
        }
        g.dispose();
        return img;
    }

    public void writePng(Path path) throws IOException {
        Images.writePng(render(), path);
    }

    // ---- SVG -------------------------------------------------------------------------------------------------------

    public String toSvg() {
        computeRange();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        double ys = niceStep(y1 - y0);
        for (double v = y0; v <= y1 + ys / 2; v += ys) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, width - right, py(v), py(v),
                    LEFT - 8, py(v) + 4, esc(label(v))));
        }
        for (Tick t : xTicks()) {
            double v = t.at();
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e6e6e6\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px(v), px(v), TOP, height - BOTTOM,
                    px(v), height - BOTTOM + 18, esc(t.label())));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n",
                LEFT, TOP, width - LEFT - right, height - TOP - BOTTOM));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT, TOP - 14, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + width - right) / 2, height - 18, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(20,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                (TOP + height - BOTTOM) / 2, esc(yLabel)));
        int legendY = TOP + 10;
        for (Reference r : references) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"gray\" "
                    + "stroke-dasharray=\"6 4\"/>%n", LEFT, width - right, py(r.y()), py(r.y())));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"gray\" "
                    + "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">%s</text>%n", width - right + 12,
                    width - right + 36, legendY, legendY, width - right + 42, legendY + 4, esc(r.name())));
            legendY += 18;
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color c = PALETTE[k % PALETTE.length];
            String hex = String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
            if (s.err() != null) {
                StringBuilder pts = new StringBuilder();
                for (int i = 0; i < s.x().length; i++) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.x()[i]), py(s.y()[i] + s.err()[i])));
                }
                for (int i = s.x().length - 1; i >= 0; i--) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.x()[i]), py(Math.max(y0, s.y()[i] - s.err()[i]))));
                }
                sb.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.2\"/>%n",
                        pts.toString().trim(), hex));
            }
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(s.x()[i]), py(s.y()[i])));
            }
            sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    pts.toString().trim(), hex));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", width - right + 12, width - right + 36, legendY, legendY, hex,
                    width - right + 42, legendY + 4, esc(s.name())));
            legendY += 18;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    public void writeSvg(Path path) throws IOException {
        AtomicFiles.writeString(path, toSvg());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
