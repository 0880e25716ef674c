package org.crl4j.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.maze.PointMazeRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@link Images} and {@link TrajectoryGif} write, decoded again with the JDK's own ImageIO readers: the
 * right number of frames, of the right size, in the right order, each showing the renderer's picture of its
 * observation (up to the GIF palette), with the frame delay and the endless loop in the metadata.
 */
class RenderTrajectoryGifTest {

    /** Largest per-channel difference allowed between a GIF pixel and the rendered one (palette quantisation). */
    private static final int PALETTE_TOLERANCE = 24;

    /** Frames of a GIF as ImageIO's GIF reader decodes them. */
    private static List<BufferedImage> readGif(Path gif) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = gifReader();
            try {
                reader.setInput(in, false);
                int n = reader.getNumImages(true);
                List<BufferedImage> frames = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    frames.add(reader.read(i));
                }
                return frames;
            } finally {
                reader.dispose();
            }
        }
    }

    private static ImageReader gifReader() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
        assertThat(readers.hasNext()).as("a GIF reader in this JDK").isTrue();
        return readers.next();
    }

    /** Pixels of {@code actual} further than the palette tolerance from {@code expected}'s (sizes must agree). */
    private static int mismatches(BufferedImage expected, BufferedImage actual) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        int n = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                if (Pixels.distance(Pixels.rgb(expected, x, y), Pixels.rgb(actual, x, y)) > PALETTE_TOLERANCE) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Asserts that frame k shows observation k·stride and no other of the frames' observations. */
    private static void assertFramesShow(List<BufferedImage> frames, SceneRenderer r, List<float[]> obs, int stride,
                                         int size) {
        for (int k = 0; k < frames.size(); k++) {
            BufferedImage own = r.render(obs.get(k * stride), 0, size);
            assertThat(mismatches(own, frames.get(k))).as("frame %d against observation %d", k, k * stride)
                    .isZero();
            for (int j = 0; j < frames.size(); j++) {
                if (j != k) {
                    BufferedImage other = r.render(obs.get(j * stride), 0, size);
                    assertThat(mismatches(other, frames.get(k))).as("frame %d against observation %d", k, j * stride)
                            .isGreaterThan(20);
                }
            }
        }
    }

    @Test
    void aPointMazeEpisodeBecomesOneFramePerStrideShowingEachObservation(@TempDir Path dir) throws IOException {
        MazeLayout m = MazeLayout.U;
        SceneRenderer r = new PointMazeRenderer(m);
        // the ball runs from the start (4, 4) along the U: right, down, left; the goal stays at (12, 4)
        List<float[]> obs = new ArrayList<>();
        for (int t = 0; t < 17; t++) {
            double x = t < 8 ? 4 : Math.min(12, 4 + (t - 7));
            double y = t < 8 ? 4 + t : 12 - Math.max(0, t - 14) * 2.0;
            obs.add(new float[] {(float) x, (float) y, 1, 0, 12, 4});
        }
        Path gif = dir.resolve("maze.gif");
        TrajectoryGif.write(r, obs, 300, 4, 20, gif);
        List<BufferedImage> frames = readGif(gif);
        assertThat(frames).hasSize(5); // observations 0, 4, 8, 12, 16
        for (BufferedImage f : frames) {
            assertThat(f.getWidth()).isEqualTo(300);
            assertThat(f.getHeight()).isEqualTo(300);
        }
        assertFramesShow(frames, r, obs, 4, 300);
        // the ball's pixels in the last frame are where the last observation puts it (world (12, 8)): at 15 px per
        // metre, world (x, y) is image (30 + 15·y, 30 + 15·x)
        float[] last = obs.get(16);
        assertThat(last[0]).isEqualTo(12f);
        assertThat(last[1]).isEqualTo(8f);
        int ball = Pixels.rgb(PointMazeRenderer.BALL);
        double[] c = Pixels.centroid(frames.get(4), p -> Pixels.distance(p, ball) <= PALETTE_TOLERANCE);
        assertThat(c[1]).isCloseTo(30 + 15.0 * last[1], within(0.75));
        assertThat(c[2]).isCloseTo(30 + 15.0 * last[0], within(0.75));
    }

    @Test
    void aReacherRolloutAndAnAntMazeStateRenderFrameForFrame(@TempDir Path dir) throws IOException {
        VecEnv env = Envs.make("reacher", 1, 7);
        List<float[]> obs = new ArrayList<>();
        obs.add(env.observations().clone());
        for (int t = 0; t < 30; t++) {
            env.step(new float[] {1f, -1f});
            obs.add(env.observations().clone());
        }
        Path gif = dir.resolve("reacher.gif");
        TrajectoryGif.write(env.renderer(), obs, 160, 10, 25, gif);
        List<BufferedImage> frames = readGif(gif);
        assertThat(frames).hasSize(4); // observations 0, 10, 20, 30
        assertFramesShow(frames, env.renderer(), obs, 10, 160);

        VecEnv ant = Envs.make("ant_u_maze", 1, 3);
        List<float[]> antObs = List.of(ant.observations().clone());
        Path antGif = dir.resolve("ant.gif");
        TrajectoryGif.write(ant.renderer(), antObs, 250, 1, 10, antGif);
        List<BufferedImage> antFrames = readGif(antGif);
        assertThat(antFrames).hasSize(1);
        assertFramesShow(antFrames, ant.renderer(), antObs, 1, 250);
    }

    @Test
    void theGifCarriesTheFrameDelayAndLoopsForever(@TempDir Path dir) throws IOException {
        SceneRenderer r = new PointMazeRenderer(MazeLayout.U);
        List<float[]> obs = List.of(new float[] {4, 4, 0, 0, 12, 4}, new float[] {4, 6, 0, 0, 12, 4},
                new float[] {4, 8, 0, 0, 12, 4});
        Path gif = dir.resolve("delay.gif");
        TrajectoryGif.write(r, obs, 100, 1, 20, gif); // 20 fps: 50 ms = 5 centiseconds per frame
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = gifReader();
            reader.setInput(in, false);
            assertThat(reader.getNumImages(true)).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i)
                        .getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
                assertThat(gce.getAttribute("delayTime")).as("frame %d", i).isEqualTo("5");
                IIOMetadataNode desc = (IIOMetadataNode) root.getElementsByTagName("ImageDescriptor").item(0);
                assertThat(desc.getAttribute("imageWidth")).isEqualTo("100");
                assertThat(desc.getAttribute("imageHeight")).isEqualTo("100");
            }
            IIOMetadataNode first = (IIOMetadataNode) reader.getImageMetadata(0)
                    .getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) first.getElementsByTagName("ApplicationExtension").item(0);
            assertThat(app).as("NETSCAPE looping extension").isNotNull();
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0); // loop count 0: forever
            reader.dispose();
        }
    }

    @Test
    void framesThatAreNotRgbAreConvertedNotLost(@TempDir Path dir) throws IOException {
        BufferedImage argb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        g.setColor(new Color(20, 120, 220));
        g.fillRect(0, 0, 40, 30);
        g.setColor(new Color(230, 60, 10));
        g.fillRect(25, 5, 10, 20);
        g.dispose();
        Path gif = dir.resolve("argb.gif");
        Images.writeGif(List.of(argb, argb), 100, gif);
        List<BufferedImage> frames = readGif(gif);
        assertThat(frames).hasSize(2);
        assertThat(Pixels.rgb(frames.get(1), 5, 5)).isEqualTo(0x1478DC);
        assertThat(Pixels.rgb(frames.get(1), 30, 15)).isEqualTo(0xE63C0A);
    }

    @Test
    void aPngReadsBackPixelForPixel(@TempDir Path dir) throws IOException {
        BufferedImage img = new PointMazeRenderer(MazeLayout.BIG).render(new float[] {4, 4, 0, 0, 8, 20}, 0, 160);
        Path png = dir.resolve("sub/maze.png");
        Files.createDirectories(png.getParent());
        Images.writePng(img, png);
        BufferedImage back = ImageIO.read(png.toFile());
        assertThat(back.getWidth()).isEqualTo(160);
        assertThat(back.getHeight()).isEqualTo(160);
        assertThat(Pixels.centroidOfDifference(img, back)[0]).isZero();
    }

    @Test
    void badArgumentsWriteNothing(@TempDir Path dir) {
        SceneRenderer r = new PointMazeRenderer(MazeLayout.U);
        List<float[]> obs = List.<float[]>of(new float[] {4, 4, 0, 0, 12, 4});
        Path gif = dir.resolve("bad.gif");
        assertThatThrownBy(() -> TrajectoryGif.write(r, obs, 100, 0, 20, gif))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrajectoryGif.write(r, obs, 100, 1, 0, gif))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrajectoryGif.write(r, List.of(), 100, 1, 20, gif))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(gif).doesNotExist();
    }
}
