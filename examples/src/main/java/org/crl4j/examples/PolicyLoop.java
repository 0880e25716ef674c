package org.crl4j.examples;

import java.nio.file.Path;

import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.policy.Policy;

/**
 * A trained policy in a control loop, as a Java program would embed it: load the checkpoint once, then each step
 * read the state and the goal, ask for the action, apply it. Here the "world" is one crl4j environment of the task
 * the policy was trained on; in a robot or a game it is the sensors and the goal the program wants reached.
 *
 * <p>Run: {@code java -cp … org.crl4j.examples.PolicyLoop RUN_DIR_OR_CHECKPOINT [episodes]}; prints each episode's
 * time at goal (steps within the task's success threshold), the number {@code ./crl4j eval} reports.
 */
public final class PolicyLoop {
    private PolicyLoop() {
    }

    /** Runs {@code episodes} episodes of one environment (seeds 1, 2, …) under the policy; returns each one's time at goal. */
    public static int[] run(Policy policy, int episodes) {
        VecEnv world = Envs.make(policy.env(), 1, 1);
        int s = policy.stateDim();
        int g = policy.goalDim();
        float[] state = new float[s];
        float[] goal = new float[g];
        float[] action = new float[policy.actionDim()];
        int[] timeAtGoal = new int[episodes];
        for (int e = 0; e < episodes; e++) {
            world.reset(e + 1);
            boolean over = false;
            while (!over) {
                float[] obs = world.observations();          // state ‖ goal
                System.arraycopy(obs, 0, state, 0, s);
                System.arraycopy(obs, s, goal, 0, g);
                policy.act(state, goal, action);             // no allocation per step
                world.step(action);
                timeAtGoal[e] += (int) world.rewards()[0];   // 1 within the success threshold of the goal
                over = world.terminated()[0] || world.truncated()[0];
            }
        }
        return timeAtGoal;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: PolicyLoop RUN_DIR_OR_CHECKPOINT [episodes]");
            System.exit(2);
        }
        Policy policy = Policy.load(Path.of(args[0]));
        int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("%s policy for %s (depth %d, width %d), %,d env steps of training%n", policy.algo(),
                policy.env(), policy.network().depth(), policy.network().width(), policy.envSteps());
        int[] t = run(policy, episodes);
        for (int e = 0; e < t.length; e++) {
            System.out.printf("episode %d: time at goal %d%n", e + 1, t[e]);
        }
    }
}
