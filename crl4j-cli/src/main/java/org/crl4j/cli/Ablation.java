package org.crl4j.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The paper's architecture ablations, as the {@code train} switch each one adds ({@code none}: the full network). */
enum Ablation {
    NONE("none", null),
    NO_LAYER_NORM("no-layer-norm", "--no-layer-norm"),
    RELU("relu", "--activation=relu"),
    NO_RESIDUAL("no-residual", "--no-residual");

    final String id;
    /** The train flag (one argument), null for {@link #NONE}. */
    final String trainFlag;

    Ablation(String id, String trainFlag) {
        this.id = id;
        this.trainFlag = trainFlag;
    }

    /** The train options the ablation sets, as flags: the sweep sets them, so they are not passed through. */
    List<String> setsFlags() {
        if (trainFlag == null) {
            return List.of();
        }
        String flag = trainFlag.split("=")[0];
        return flag.startsWith("--no-") ? List.of(flag, "--" + flag.substring(5)) : List.of(flag);
    }

    static Ablation parse(String s) {
        for (Ablation a : values()) {
            if (a.id.equals(s.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown ablation '" + s + "'; use one or more of "
                + Arrays.stream(values()).map(a -> a.id).collect(Collectors.joining(", ")));
    }

    /** The ablation a run's options describe (kebab-case keys; several switches: joined with "+"). */
    static String describe(Map<String, Object> options) {
        List<String> on = new java.util.ArrayList<>();
        if (Boolean.FALSE.equals(options.get("layer-norm"))) {
            on.add(NO_LAYER_NORM.id);
        }
        if ("relu".equals(options.get("activation"))) {
            on.add(RELU.id);
        }
        if (Boolean.FALSE.equals(options.get("residual"))) {
            on.add(NO_RESIDUAL.id);
        }
        return on.isEmpty() ? NONE.id : String.join("+", on);
    }
}
