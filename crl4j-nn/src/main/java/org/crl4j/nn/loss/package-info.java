/**
 * Loss building blocks of Contrastive RL with explicit forward and backward passes.
 *
 * <ul>
 *   <li>{@link org.crl4j.nn.loss.Energy}: the critic's energy function (norm, l2, dot, cosine);
 *       {@link org.crl4j.nn.loss.PairwiseEnergy} computes the B×B2 logit matrix f(φ_i, ψ_j) and its backward,
 *       {@link org.crl4j.nn.loss.PairedEnergy} the row-wise f(φ_i, ψ_i) the actor needs.
 *   <li>{@link org.crl4j.nn.loss.LogSumExp}: stable log-sum-exp over rows or columns, with its softmax backward.
 *   <li>{@link org.crl4j.nn.loss.InfoNce}: the critic loss (forward/backward/symmetric InfoNCE, binary NCE) with
 *       the logsumexp penalty, dLoss/dLogits and the critic metrics.
 *   <li>{@link org.crl4j.nn.loss.TanhGaussian}: the actor's tanh-squashed Gaussian head: sample, log π, backward.
 *   <li>{@link org.crl4j.nn.loss.ActorLoss} and {@link org.crl4j.nn.loss.EntropyTemperature}: the actor objective
 *       and the SAC temperature (log α) loss.
 * </ul>
 *
 * <p>Conventions: matrices are row-major {@code float[]} starting at index 0 (row i of a B×d matrix at
 * {@code i·d}). Callers own every output and gradient buffer; backward methods <b>overwrite</b> their gradient
 * outputs (they never accumulate, except {@link org.crl4j.nn.loss.LogSumExp}'s backward when asked to). Classes
 * that need scratch memory are instances that keep it between calls and are not thread-safe; work inside them is
 * split over {@link org.crl4j.core.Parallel} in fixed blocks so results are bit-identical for any thread count.
 * Package-private {@code *Kernels} classes hold the Vector API inner loops and their scalar twins, which produce
 * the same bits.
 */
package org.crl4j.nn.loss;
