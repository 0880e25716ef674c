package org.crl4j.bench.torch;

import org.bytedeco.pytorch.global.torch;

/** Floating-point type the torch side computes in: FP32 like crl4j, FP64 for reference checks. */
public enum TorchPrecision {
    FP32,
    FP64;

    /** The libtorch scalar type (touches libtorch classes: call after {@link TorchRuntime#init()}). */
    public torch.ScalarType scalarType() {
        return this == FP32 ? torch.ScalarType.Float : torch.ScalarType.Double;
    }
}
