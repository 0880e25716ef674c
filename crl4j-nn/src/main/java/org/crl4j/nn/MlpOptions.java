package org.crl4j.nn;

/**
 * Shape and switches of a residual MLP trunk.
 *
 * @param width       units per hidden layer (paper: 256)
 * @param depth       Dense layers inside residual blocks; a multiple of 4 (paper: 4 … 1024)
 * @param layerNorm   LayerNorm after every hidden Dense (false only for the ablation)
 * @param activation  swish (paper) or relu (ablation)
 * @param residual    add each block's input to its output (false only for the ablation)
 * @param recompute   keep every activation for backward (OFF), keep only block inputs and recompute the rest
 *                    block by block during backward (ON), or decide from the memory it would take (AUTO)
 */
public record MlpOptions(int width, int depth, boolean layerNorm, Activation activation, boolean residual,
                         Recompute recompute) {

    public enum Recompute {
        AUTO, ON, OFF;

        public static Recompute parse(String s) {
            for (Recompute r : values()) {
                if (r.name().equalsIgnoreCase(s)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown recompute mode '" + s + "'; use auto, on or off");
        }
    }

    public MlpOptions {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        if (depth < 4 || depth % 4 != 0) {
            throw new IllegalArgumentException("depth must be a positive multiple of 4 (4 Dense layers per residual block), got "
                    + depth + "; try " + Math.max(4, Math.round(depth / 4.0f) * 4));
        }
        if (activation == Activation.NONE) {
            throw new IllegalArgumentException("a trunk needs an activation: swish or relu");
        }
    }

    /** The paper's trunk: LayerNorm, swish, residual connections, automatic recomputation. */
    public static MlpOptions paper(int width, int depth) {
        return new MlpOptions(width, depth, true, Activation.SWISH, true, Recompute.AUTO);
    }

    public MlpOptions withRecompute(Recompute r) {
        return new MlpOptions(width, depth, layerNorm, activation, residual, r);
    }

    public int blocks() {
        return depth / 4;
    }
}
