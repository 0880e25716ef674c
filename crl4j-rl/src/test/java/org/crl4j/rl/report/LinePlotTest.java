package org.crl4j.rl.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;

import org.junit.jupiter.api.Test;

class LinePlotTest {

    @Test
    void ticksAreRound() {
        assertThat(LinePlot.niceStep(1000)).isEqualTo(200);
        assertThat(LinePlot.niceStep(7)).isEqualTo(1);
        assertThat(LinePlot.niceStep(0.3)).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LinePlot.label(150000)).isEqualTo("150k");
        assertThat(LinePlot.label(2500000)).isEqualTo("2.5M");
    }

    @Test
    void pngAndSvgShowTheSeriesTheBandAndTheReference() {
        LinePlot p = new LinePlot("time at goal", "env steps", "steps").size(400, 300)
                .add(new LinePlot.Series("depth 4", new double[] {0, 1e6, 2e6}, new double[] {1, 50, 80}, new double[] {0, 5, 10}))
                .add(new LinePlot.Series("depth 16", new double[] {0, 1e6, 2e6}, new double[] {2, 90, 300}, null))
                .reference("random policy", 10);
        BufferedImage img = p.render();
        assertThat(img.getWidth()).isEqualTo(400);
        assertThat(img.getHeight()).isEqualTo(300);
        // the first series' colour is somewhere in the plot area
        boolean blue = false;
        for (int x = 80; x < 220 && !blue; x++) {
            for (int y = 40; y < 240 && !blue; y++) {
                blue = img.getRGB(x, y) == (0xff000000 | 0x1f77b4);
            }
        }
        assertThat(blue).isTrue();
        String svg = p.toSvg();
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("depth 4").contains("depth 16")
                .contains("random policy").contains("<polygon").contains("stroke-dasharray");
        assertThat(svg.split("<polyline").length - 1).isEqualTo(2);
    }

    @Test
    void aSeriesWithNoPointsIsLeftOutNotAnError() {
        LinePlot p = new LinePlot("t", "x", "y").size(400, 300)
                .add(new LinePlot.Series("empty", new double[0], new double[0], new double[0]))
                .add(new LinePlot.Series("d4", new double[] {0, 1}, new double[] {0, 1}, new double[] {0.1, 0.1}));
        assertThat(p.render().getWidth()).isEqualTo(400);
        assertThat(p.toSvg()).contains("d4");
    }

    @Test
    void categoricalAxisLabelsEachCategoryAtEvenSpacing() {
        LinePlot p = new LinePlot("score vs depth", "depth", "score").size(400, 300)
                .xCategories(java.util.List.of("4", "16", "64"))
                .add(new LinePlot.Series("crl4j", new double[] {0, 1, 2}, new double[] {10, 20, 30}, null));
        String svg = p.toSvg();
        assertThat(svg).contains(">4</text>").contains(">16</text>").contains(">64</text>");
        // plot area 80..220 px; categories at -0.5..2.5 of it: 0 → 103.3, 1 → 150, 2 → 196.7 (evenly spaced, not 4:16:64)
        assertThat(svg).contains("<polyline points=\"103.3,").contains(" 150.0,").contains(" 196.7,");
    }

    @Test
    void longSeriesNamesWidenTheImageButKeepThePlotArea() {
        String name = "depth=16 width=256 batch=512 ablation=no-layer-norm"; // 51 characters
        LinePlot shortName = new LinePlot("t", "x", "y").add(new LinePlot.Series("d4", new double[] {0, 1}, new double[] {0, 1}, null));
        LinePlot longName = new LinePlot("t", "x", "y").add(new LinePlot.Series(name, new double[] {0, 1}, new double[] {0, 1}, null));
        assertThat(shortName.render().getWidth()).isEqualTo(800);
        assertThat(longName.render().getWidth()).isEqualTo(800 - 180 + 56 + (int) Math.ceil(7.5 * name.length()));
        assertThat(longName.render().getWidth()).as("rendering twice does not widen it again").isEqualTo(longName.render().getWidth());
        assertThat(longName.toSvg()).contains("width=\"" + longName.render().getWidth() + "\"");
    }
}
