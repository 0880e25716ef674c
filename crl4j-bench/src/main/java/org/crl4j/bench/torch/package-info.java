/**
 * libtorch (bytedeco pytorch 2.10, CPU) as the reference for crl4j's networks, losses and optimizer: the same
 * weights and inputs, given as named row-major arrays, go through libtorch autograd, so crl4j's hand-written
 * forward/backward passes can be compared value by value, and its speed against libtorch's.
 * Independent of crl4j's own network classes.
 *
 * <h2>Setup</h2>
 * Start the JVM with {@code OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2} (surefire of this module does), then
 * {@link org.crl4j.bench.torch.TorchRuntime#init(int) TorchRuntime.init(1)} (or
 * {@link org.crl4j.bench.torch.TorchRuntime#available()} in tests, to skip where libtorch cannot run). Do not set
 * {@code OPENBLAS_CORETYPE=SKYLAKEX} on a CPU without AVX-512: OpenBLAS dies with SIGILL.
 *
 * <h2>Networks</h2>
 * {@link org.crl4j.bench.torch.TrunkSpec} names the tensors ({@code P.in.kernel} [I,W], …,
 * {@code P.block{b}.layer{l}.kernel} [W,W], …, {@code P.head.kernel} [W,O]; kernels are [in, out]) and carries the
 * ablation flags (LayerNorm, swish/ReLU, residual). {@link org.crl4j.bench.torch.TorchTrunk} builds the leaves from a
 * {@code Map<String, float[]>} (or doubles) in FP32 or FP64.
 *
 * <h2>Losses</h2>
 * {@link org.crl4j.bench.torch.TorchCrl#criticLoss} (InfoNCE + 0.1·logsumexp², L2-norm energy) and
 * {@link org.crl4j.bench.torch.TorchCrl#actorLoss} (SAC-style through the frozen critic, plus the temperature loss)
 * return the loss and the gradient of every named weight (and of the inputs / head outputs) as arrays.
 *
 * <h2>Benchmark</h2>
 * {@link org.crl4j.bench.torch.TorchBench#benchAdam} times forward + Σout²/(B·O) + backward + Adam(3e-4);
 * {@link org.crl4j.bench.torch.TorchBench#adamTrace} and {@link org.crl4j.bench.torch.TorchBench#squaredLossGrads}
 * give the losses / weights / gradients of the same step for correctness comparisons;
 * {@link org.crl4j.bench.torch.TorchBenchMain} runs it from the command line.
 */
package org.crl4j.bench.torch;
