package org.crl4j.nn;

/** What a backward pass does with parameter gradients. */
public enum GradMode {
    /** Write this pass's gradients, replacing what the gradient array held (no separate zeroing needed). */
    OVERWRITE,
    /** Add this pass's gradients to the gradient array (a network used more than once in one loss). */
    ACCUMULATE,
    /** Do not compute parameter gradients, only input gradients (a frozen network, e.g. the critic in the actor loss). */
    NONE
}
