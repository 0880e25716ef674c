package org.crl4j.nn;

/** The non-linearity after each LayerNorm. Swish is the paper's; ReLU is its ablation; NONE is for linear heads. */
public enum Activation {
    SWISH, RELU, NONE;

    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(s)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + s + "'; use swish, relu or none");
    }
}
