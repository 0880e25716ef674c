package org.crl4j.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.nn.ParamStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Distiller}: the KL and squared-error gradients against finite differences, and a depth-4 student that comes
 * to act as a depth-16 teacher does on states it has not trained on, with the teacher's critics carried over.
 */
class DistillerTest {
    static Parallel pool;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(1);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    interface Loss {
        double eval(float[] teacher, float[] student, int rows, int a, float[] dHead);
    }

    static void checkGradient(Loss loss, int headOut, int a) {
        int rows = 5;
        Rng rng = new Rng(3);
        float[] t = new float[rows * headOut];
        float[] s = new float[rows * headOut];
        rng.fillGaussian(t, 0, t.length);
        rng.fillGaussian(s, 0, s.length);
        float[] grad = new float[s.length];
        loss.eval(t, s, rows, a, grad);
        double worst = 0;
        for (int j = 0; j < s.length; j++) {
            float keep = s[j];
            double h = 1e-2;
            s[j] = (float) (keep + h);
            double up = loss.eval(t, s, rows, a, new float[s.length]);
            s[j] = (float) (keep - h);
            double down = loss.eval(t, s, rows, a, new float[s.length]);
            s[j] = keep;
            double fd = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - grad[j]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grad[j])));
        }
        assertThat(worst).isLessThan(1e-2);
        // equal heads: no loss, no gradient
        float[] zero = new float[s.length];
        assertThat(loss.eval(t, t.clone(), rows, a, zero)).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-9));
        for (float g : zero) {
            assertThat(Math.abs(g)).isLessThan(1e-6f);
        }
    }

    @Test
    void klGradientMatchesFiniteDifferences() {
        checkGradient(Distiller::klAndGradient, 6, 3);
    }

    @Test
    void squaredErrorGradientMatchesFiniteDifferences() {
        checkGradient(Distiller::mseAndGradient, 3, 3);
    }

    /** Mean |a_student − a_teacher| over observations of rollouts the student never trained on. */
    static double actionGap(Agent teacher, Agent student, String env) {
        VecEnv envs = Envs.make(env, 16, 999, pool, VecEnv.ResetMode.RESAMPLE);
        int a = teacher.actionDim();
        float[] at = new float[16 * a];
        float[] as = new float[16 * a];
        Rng rng = new Rng(5);
        double gap = 0;
        int n = 0;
        for (int t = 0; t < 100; t++) {
            float[] obs = envs.observations();
            teacher.act(obs, 16, true, null, at);
            student.act(obs, 16, true, null, as);
            for (int j = 0; j < at.length; j++) {
                gap += Math.abs(at[j] - as[j]);
                n++;
            }
            float[] random = new float[16 * a];
            rng.fillUniform(random, 0, random.length, -1f, 1f);
            envs.step(t % 2 == 0 ? at : random); // teacher's states and others
        }
        return gap / n;
    }

    @Test
    void aShallowStudentLearnsToActAsTheDeepTeacherAndKeepsItsCritics() {
        String env = "simple_u_maze";
        EnvSpec spec = Envs.spec(env);
        Agent teacher = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), CrlConfig.paper(32, 16),
                BaselineConfig.CRL, pool);
        teacher.init(new Rng(1));
        // make the teacher's policy depend on the state and goal more than an initial network does
        Rng noise = new Rng(2);
        float[] p = Distiller.actorStore(teacher).params();
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1.5f;
        }
        Distiller.Settings s = new Distiller.Settings(4, 64, 30_000, 16, 50, 40, 128, 1e-3f, 2, 8, 100_000, 7);
        Distiller d = new Distiller(teacher, s, pool);
        List<Map<String, Object>> rows = new ArrayList<>();
        Agent before = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), d.studentConfig(),
                BaselineConfig.CRL, pool);
        before.init(new Rng(noise.nextLong()));
        Agent student = d.run(env, env, rows::add);

        double gapBefore = actionGap(teacher, before, env);
        double gapAfter = actionGap(teacher, student, env);
        assertThat(gapAfter).as("before %.4f, after %.4f", gapBefore, gapAfter).isLessThan(gapBefore / 4);
        assertThat(rows).hasSize(2);
        assertThat((double) rows.get(1).get("distill/kl")).isLessThan((double) rows.get(0).get("distill/kl"));
        assertThat(rows.get(1).get("env_steps")).isEqualTo(30_400L); // 38 rounds of 16 × 50

        assertThat(student.config().actorDepth()).isEqualTo(4);
        assertThat(student.config().actorWidth()).isEqualTo(64);
        assertThat(student.config().criticDepth()).isEqualTo(16);
        for (int i = 0; i < student.stores().size(); i++) {
            ParamStore ps = student.stores().get(i);
            if (!ps.entries().get(0).name().startsWith("actor.")) {
                assertThat(ps.params()).containsExactly(teacher.stores().get(i).params());
            }
        }
    }
}
