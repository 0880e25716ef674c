package org.crl4j.envs.ant;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;

import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.maze.PointMazeRenderer;
import org.junit.jupiter.api.Test;

/** Top-down pictures of the ant: the body is drawn where the observation puts it. */
class AntRendererTest {

    @Test
    void theAntIsDrawnAtItsTorsoInTheMaze() {
        VecEnv env = Envs.make("ant_u_maze", 1, 2);
        BufferedImage img = env.renderer().render(env.observations(), 0, 400);
        assertThat(img.getWidth()).isEqualTo(400);
        // U maze: 5×5 cells of 80 px; the torso at world (4, 4) is the centre of cell (1, 1) = pixel (120, 120)
        int torso = img.getRGB(120, 120) & 0xffffff;
        assertThat(torso).isNotEqualTo(PointMazeRenderer.START_CELL.getRGB() & 0xffffff);
        // a foot is about 0.8 m out along a diagonal: 16 px; the far start-cell corner stays empty
        assertThat(img.getRGB(85, 155) & 0xffffff).isEqualTo(PointMazeRenderer.START_CELL.getRGB() & 0xffffff);
    }

    @Test
    void theOpenArenaShowsTheAntAtTheCentre() {
        VecEnv env = Envs.make("ant", 1, 2);
        BufferedImage img = env.renderer().render(env.observations(), 0, 240);
        assertThat(img.getHeight()).isEqualTo(240);
        int centre = img.getRGB(120, 120) & 0xffffff;
        int corner = img.getRGB(3, 3) & 0xffffff;
        assertThat(centre).isNotEqualTo(corner);
    }
}
