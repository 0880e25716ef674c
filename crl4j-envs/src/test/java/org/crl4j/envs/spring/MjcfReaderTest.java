package org.crl4j.envs.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.crl4j.envs.ant.Ant;
import org.crl4j.envs.ant.OpenArena;
import org.junit.jupiter.api.Test;

/** The MJCF reader and the model it compiles for the spring pipeline. */
class MjcfReaderTest {

    @Test
    void theAntCompilesToBraxsNineUnitMassLinks() {
        SpringSystem s = SpringSystem.compile(new OpenArena().model(), Ant.TIMESTEP, Ant.SUBSTEPS);
        assertThat(s.numLinks()).isEqualTo(9);
        assertThat(s.qSize()).isEqualTo(17);
        assertThat(s.qdSize()).isEqualTo(16);
        String[] joints = {"root", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3", "hip_4", "ankle_4"};
        for (int l = 0; l < 9; l++) {
            assertThat(s.jointName(l)).isEqualTo(joints[l]);
            assertThat(s.mass(l)).isEqualTo(1.0);
        }
        assertThat(s.limitLo(s.linkOfJoint("ankle_1"))).isCloseTo(Math.toRadians(30), within(1e-12));
        assertThat(s.limitHi(s.linkOfJoint("ankle_2"))).isCloseTo(Math.toRadians(-30), within(1e-12));
        assertThat(s.gear(0)).isEqualTo(150.0);
        assertThat(s.jointName(s.motorLink(0))).isEqualTo("hip_4");
        assertThat(s.markers()).hasSize(1);
        assertThat(s.contacts().numGeoms()).isEqualTo(4); // only the feet touch the floor
        assertThat(s.initQ()[8]).isEqualTo(1.0);
    }

    @Test
    void jointlessBodiesAreFusedAndTheirContentsMovedAfterTheParentsOwnChildren() {
        MjcfModel m = MjcfReader.parse("""
                <mujoco><worldbody>
                  <body name="a" pos="0 0 1"><joint type="free"/><geom size="0.1"/>
                    <body name="fused" pos="1 0 0"><geom name="g" size="0.2"/>
                      <body name="c"><joint name="jc" axis="0 0 2" range="-90 90"/><geom size="0.1"/></body>
                    </body>
                    <body name="b"><joint name="jb"/><geom size="0.1"/></body>
                  </body>
                </worldbody></mujoco>""");
        assertThat(m.bodies()).extracting(MjcfModel.Body::name).containsExactly("a", "b", "c");
        assertThat(m.bodies().get(2).pos()).containsExactly(1, 0, 0);
        assertThat(m.bodies().get(0).geoms()).hasSize(2);
        assertThat(m.bodies().get(0).geoms().get(1).pos()).containsExactly(1, 0, 0);
        MjcfModel.Joint jc = m.bodies().get(2).joints().get(0);
        assertThat(jc.axis()).containsExactly(0, 0, 1);
        assertThat(jc.hi()).isCloseTo(Math.PI / 2, within(1e-12));
    }

    @Test
    void capsulesFromFromtoGetCentreHalfLengthAndAxis() {
        MjcfModel m = MjcfReader.parse("""
                <mujoco><worldbody><body><joint type="free"/>
                  <geom type="capsule" fromto="0 0 0 0.4 0.4 0" size="0.08"/>
                </body></worldbody></mujoco>""");
        MjcfModel.Geom g = m.bodies().get(0).geoms().get(0);
        assertThat(g.pos()[0]).isCloseTo(0.2, within(1e-12));
        assertThat(g.size()[1]).isCloseTo(Math.sqrt(0.32) / 2, within(1e-12));
        double[] axis = Quat.rotate(g.quat(), new double[] {0, 0, 1});
        assertThat(axis[0]).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(axis[1]).isCloseTo(Math.sqrt(0.5), within(1e-12));
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> MjcfReader.parse("<mujoco><worldbody>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed MJCF XML");
        assertThatThrownBy(() -> MjcfReader.parse("<robot/>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<mujoco>");
        assertThatThrownBy(() -> MjcfReader.parse("<mujoco/>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no <worldbody>");
        assertThatThrownBy(() -> MjcfReader.parse(
                "<mujoco><worldbody><geom type=\"mesh\"/></worldbody></mujoco>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only plane, sphere, capsule");
        assertThatThrownBy(() -> MjcfReader.parse(
                "<mujoco><worldbody><body pos=\"0 zero 0\"><joint/></body></worldbody></mujoco>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zero' is not a number");
        assertThatThrownBy(() -> MjcfReader.parse(
                "<mujoco><worldbody><body><joint type=\"ball\"/></body></worldbody></mujoco>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type 'ball'");
        MjcfModel noMotorJoint = MjcfReader.parse("<mujoco><custom><numeric name=\"spring_inertia_scale\" data=\"1\"/></custom>"
                + "<worldbody><body><joint name=\"j\"/><geom size=\"0.1\"/>"
                + "</body></worldbody><actuator><motor joint=\"nope\"/></actuator></mujoco>");
        assertThatThrownBy(() -> SpringSystem.compile(noMotorJoint, 0.01, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
        MjcfModel soft = MjcfReader.parse("<mujoco><worldbody><body><joint/><geom size=\"0.1\"/></body>"
                + "</worldbody></mujoco>");
        assertThatThrownBy(() -> SpringSystem.compile(soft, 0.01, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spring_inertia_scale");
    }
}
