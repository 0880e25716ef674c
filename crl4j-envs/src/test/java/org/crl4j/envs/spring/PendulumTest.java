package org.crl4j.envs.spring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A single hinge under gravity against the pendulum equation of the spring pipeline's rigid body: unit rotational
 * inertia about the centre of mass (spring_inertia_scale 1), so about the pivot I = 1 + m·d², and the small-angle
 * period T = 2π·√(I / (m·g·d)).
 */
class PendulumTest {

    static final String PENDULUM = """
            <mujoco>
              <option timestep="0.001"/>
              <custom><numeric name="spring_mass_scale" data="0"/><numeric name="spring_inertia_scale" data="1"/>
                <numeric name="constraint_stiffness" data="20000"/><numeric name="constraint_vel_damping" data="50"/>
              </custom>
              <worldbody>
                <body name="bob" pos="0 0 3">
                  <joint name="swing" type="hinge" axis="0 1 0" pos="0 0 0" limited="false"/>
                  <geom type="capsule" fromto="0 0 0 0 0 -1" size="0.05" mass="2"/>
                </body>
              </worldbody>
            </mujoco>
            """;

    @Test
    void aHingedBarSwingsWithThePeriodOfItsUnitInertiaPendulum() {
        SpringSystem s = SpringSystem.compile(MjcfReader.parse(PENDULUM), 0.001, 1);
        SpringBatch b = new SpringBatch(s, 1);
        b.reset(0, new double[] {0.05}, new double[] {0});
        Object ws = b.newWorkspace();
        float[] none = new float[0];
        double[] q = new double[1];
        double last = 0.05, firstCross = -1, lastCross = -1;
        int crossings = 0;
        double peak = 0;
        for (int t = 1; t <= 12000; t++) { // 12 s, almost four periods
            b.step(none, 0, 0, 1, ws);
            b.readQ(0, q, 0);
            if (last > 0 && q[0] <= 0 || last < 0 && q[0] >= 0) {
                double at = (t - 1 + last / (last - q[0])) * 0.001; // linear interpolation of the crossing
                if (firstCross < 0) {
                    firstCross = at;
                }
                lastCross = at;
                crossings++;
            }
            peak = Math.max(peak, Math.abs(q[0]));
            last = q[0];
        }
        double m = 2, d = 0.5, g = 9.81, inertia = 1 + m * d * d;
        double period = 2 * Math.PI * Math.sqrt(inertia / (m * g * d));
        double measured = 2 * (lastCross - firstCross) / (crossings - 1);
        assertThat(crossings).isGreaterThanOrEqualTo(6);
        assertThat(measured).isCloseTo(period, within(0.005 * period)); // 2.837 s
        assertThat(peak).isCloseTo(0.05, within(0.002)); // no damping: the swing keeps its amplitude
    }
}
