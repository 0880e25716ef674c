package org.crl4j.envs.maze;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.envs.render.Images;
import org.crl4j.envs.render.SceneRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PointMazeRendererTest {

    @Test
    void drawsWallsWhereTheLayoutHasThemAtTheRequestedSize() {
        for (MazeLayout m : new MazeLayout[] {MazeLayout.U, MazeLayout.BIG, MazeLayout.HARDEST, MazeLayout.U5}) {
            for (int size : new int[] {100, 241}) {
                PointMazeRenderer r = new PointMazeRenderer(m);
                // ball in the start cell, goal at the first goal cell
                float[] obs = {4f * m.startRow(), 4f * m.startCol(), 0, 0, 4f * m.goalRow(0), 4f * m.goalCol(0)};
                BufferedImage img = r.render(obs, 0, size);
                int height = (int) Math.round((double) size * m.rows() / m.cols());
                assertThat(img.getWidth()).isEqualTo(size);
                assertThat(img.getHeight()).isEqualTo(height);
                double cw = (double) size / m.cols();
                double ch = (double) height / m.rows();
                for (int i = 0; i < m.rows(); i++) {
                    for (int j = 0; j < m.cols(); j++) {
                        // a quarter of the way into the cell: clear of the ball, the goal marks and the scale bar
                        int px = (int) ((j + 0.25) * cw);
                        int py = (int) ((i + 0.25) * ch);
                        boolean wallPixel = img.getRGB(px, py) == PointMazeRenderer.WALL.getRGB();
                        assertThat(wallPixel).as("cell (%d, %d) of %s at %d px", i, j, m, size)
                                .isEqualTo(m.isWall(i, j));
                    }
                }
            }
        }
    }

    @Test
    void drawsTheBallAndTheGoalWhereTheObservationPutsThem() {
        MazeLayout m = MazeLayout.U;
        SceneRenderer r = new PointMazeRenderer(m);
        // world (x, y) = (row·4, col·4): ball at cell (1, 1) + 1 m along y, goal at cell (3, 2)
        float[] obs = {-1, -1, 4, 5, 0, 0, 12, 8};
        BufferedImage img = r.render(obs, 2, 250); // 50 px per cell
        assertThat(img.getRGB(75 + 12, 75)).isEqualTo(PointMazeRenderer.BALL.getRGB());
        assertThat(img.getRGB(125, 175)).isEqualTo(PointMazeRenderer.GOAL.getRGB());
        assertThat(img.getRGB(75 - 12, 75 + 12)).isEqualTo(PointMazeRenderer.START_CELL.getRGB());
        assertThat(img.getRGB(175, 60)).isEqualTo(PointMazeRenderer.GOAL_CELL.getRGB());
    }

    @Test
    void writesAPng(@TempDir Path dir) throws Exception {
        PointMaze env = (PointMaze) PointMazes.factories().get(8).create(1, new org.crl4j.core.Parallel(1),
                org.crl4j.envs.VecEnv.ResetMode.SAME_START);
        env.reset(3);
        Path png = dir.resolve("hardest.png");
        Images.writePng(env.renderer().render(env.observations(), 0, 480), png);
        assertThat(Files.size(png)).isGreaterThan(500);
    }
}
