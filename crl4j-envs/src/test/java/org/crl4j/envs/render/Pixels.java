package org.crl4j.envs.render;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.lang.reflect.Field;
import java.util.function.IntPredicate;

/** Pixel probes shared by the renderer tests: colours, colour distances and centroids of pixel sets. */
final class Pixels {
    private Pixels() {
    }

    /** The RGB (no alpha) of pixel (x, y). */
    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    /** The RGB of pixel (x, y) nearest to the real-valued image point, i.e. the pixel that contains it. */
    static int at(BufferedImage img, double x, double y) {
        return rgb(img, (int) Math.floor(x), (int) Math.floor(y));
    }

    static int rgb(Color c) {
        return c.getRGB() & 0xFFFFFF;
    }

    /** Largest per-channel difference of two RGB values. */
    static int distance(int a, int b) {
        int dr = Math.abs(((a >> 16) & 0xFF) - ((b >> 16) & 0xFF));
        int dg = Math.abs(((a >> 8) & 0xFF) - ((b >> 8) & 0xFF));
        int db = Math.abs((a & 0xFF) - (b & 0xFF));
        return Math.max(dr, Math.max(dg, db));
    }

    /** Pixels whose RGB satisfies {@code which}: {count, mean x + ½, mean y + ½} (pixel centres). */
    static double[] centroid(BufferedImage img, IntPredicate which) {
        long n = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (which.test(rgb(img, x, y))) {
                    n++;
                    sx += x + 0.5;
                    sy += y + 0.5;
                }
            }
        }
        return n == 0 ? new double[] {0, Double.NaN, Double.NaN} : new double[] {n, sx / n, sy / n};
    }

    /** Pixels that differ between two images of the same size: {count, mean x + ½, mean y + ½}. */
    static double[] centroidOfDifference(BufferedImage a, BufferedImage b) {
        long n = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (rgb(a, x, y) != rgb(b, x, y)) {
                    n++;
                    sx += x + 0.5;
                    sy += y + 0.5;
                }
            }
        }
        return n == 0 ? new double[] {0, Double.NaN, Double.NaN} : new double[] {n, sx / n, sy / n};
    }

    /** A renderer's package-private colour constant, so the tests follow the colours as the renderer defines them. */
    static int colour(Class<?> renderer, String name) {
        try {
            Field f = renderer.getDeclaredField(name);
            f.setAccessible(true);
            return rgb((Color) f.get(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no colour " + name + " in " + renderer.getName(), e);
        }
    }
}
