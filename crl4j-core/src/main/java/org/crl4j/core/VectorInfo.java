package org.crl4j.core;

import jdk.incubator.vector.FloatVector;

/** Loaded only when {@link Simd#ENABLED}. */
final class VectorInfo {
    private VectorInfo() {
    }

    static String describe() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " floats";
    }
}
