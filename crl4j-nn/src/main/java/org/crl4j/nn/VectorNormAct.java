package org.crl4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link NormAct}'s row kernels; the same arithmetic, lane-parallel.
 *
 * <p>Why the activation runs in loops of its own ({@link #activate}, {@link #activateGrad}), one per activation,
 * over a row that is already in L1: a vector that is produced on two branches (swish or ReLU) and used after the
 * merge is a phi of vector boxes, and JDK 17's C2 cannot intrinsify its store, so the whole row loop falls back to
 * boxed vectors (measured on AVX-512, D64 B512 step: the element-wise kernels took half the step, 88 ms against
 * 64 ms on JDK 25). A helper taking or returning a vector has the same effect unless it is inlined. So no vector
 * crosses a branch or a call here; the extra passes over an L1-resident row cost a few per cent of the kernel.
 */
final class VectorNormAct {
    private VectorNormAct() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** One scratch row per thread (the activation derivative of the row being differentiated). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    static float[] scratch(int w) {
        float[][] s = SCRATCH.get();
        if (s[0].length < w) {
            s[0] = new float[w];
        }
        return s[0];
    }

    /** x[o, o+w) ← act(x[o, o+w)). */
    static void activate(Activation act, float[] x, int o, int w) {
        int bound = S.loopBound(w);
        int j = 0;
        if (act == Activation.SWISH) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (; j < bound; j += L) {
                FloatVector u = FloatVector.fromArray(S, x, o + j);
                u.div(VectorFloatExp.exp(u.neg()).add(one)).intoArray(x, o + j);
            }
        } else if (act == Activation.RELU) {
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, x, o + j).max(0f).intoArray(x, o + j);
            }
        } else {
            return;
        }
        for (; j < w; j++) {
            x[o + j] = NormAct.activate(act, x[o + j]);
        }
    }

    /** x[o, o+w) ← act′(x[o, o+w)). */
    static void activateGrad(Activation act, float[] x, int o, int w) {
        int bound = S.loopBound(w);
        int j = 0;
        if (act == Activation.SWISH) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (; j < bound; j += L) {
                FloatVector u = FloatVector.fromArray(S, x, o + j);
                FloatVector sg = one.div(VectorFloatExp.exp(u.neg()).add(one));
                sg.mul(u.mul(one.sub(sg)).add(one)).intoArray(x, o + j);
            }
        } else if (act == Activation.RELU) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector zero = FloatVector.zero(S);
            for (; j < bound; j += L) {
                FloatVector u = FloatVector.fromArray(S, x, o + j);
                zero.blend(one, u.compare(VectorOperators.GT, 0f)).intoArray(x, o + j);
            }
        } else {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (; j < bound; j += L) {
                one.intoArray(x, o + j);
            }
        }
        for (; j < w; j++) {
            x[o + j] = NormAct.activateGrad(act, x[o + j]);
        }
    }

    static void forwardRow(float[] p, NormAct.Params lp, int w, float[] z, int zo, float[] stats, int so,
                           float[] out, int oo) {
        int b = lp.bias();
        int bound = S.loopBound(w);
        if (!lp.layerNorm()) {
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector zv = FloatVector.fromArray(S, z, zo + j).add(FloatVector.fromArray(S, p, b + j));
                zv.intoArray(z, zo + j);
                zv.intoArray(out, oo + j);
            }
            for (; j < w; j++) {
                z[zo + j] += p[b + j];
                out[oo + j] = z[zo + j];
            }
            activate(lp.act(), out, oo, w);
            return;
        }
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector zv = FloatVector.fromArray(S, z, zo + j).add(FloatVector.fromArray(S, p, b + j));
            zv.intoArray(z, zo + j);
            acc = acc.add(zv);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; j < w; j++) {
            z[zo + j] += p[b + j];
            sum += z[zo + j];
        }
        float mean = sum / w;
        FloatVector meanV = FloatVector.broadcast(S, mean);
        FloatVector sqAcc = FloatVector.zero(S);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, z, zo + j).sub(meanV);
            sqAcc = d.fma(d, sqAcc);
        }
        float sq = sqAcc.reduceLanes(VectorOperators.ADD);
        for (; j < w; j++) {
            float d = z[zo + j] - mean;
            sq += d * d;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / w + NormAct.LN_EPS));
        stats[so] = mean;
        stats[so + 1] = rstd;
        int g = lp.lnScale();
        int be = lp.lnBias();
        FloatVector rstdV = FloatVector.broadcast(S, rstd);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, z, zo + j).sub(meanV).mul(rstdV);
            xhat.fma(FloatVector.fromArray(S, p, g + j), FloatVector.fromArray(S, p, be + j)).intoArray(out, oo + j);
        }
        for (; j < w; j++) {
            out[oo + j] = (z[zo + j] - mean) * rstd * p[g + j] + p[be + j];
        }
        activate(lp.act(), out, oo, w);
    }

    static void backwardRow(float[] p, NormAct.Params lp, int w, float[] dOut, int ro, float[] z, float[] stats, int so,
                            float[] dz, float[] part, int po) {
        Activation act = lp.act();
        int bound = S.loopBound(w);
        float[] grad = scratch(w);
        if (!lp.layerNorm()) {
            System.arraycopy(z, ro, grad, 0, w);
            activateGrad(act, grad, 0, w);
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector d = FloatVector.fromArray(S, dOut, ro + j).mul(FloatVector.fromArray(S, grad, j));
                d.intoArray(dz, ro + j);
                if (part != null) {
                    FloatVector.fromArray(S, part, po + j).add(d).intoArray(part, po + j);
                }
            }
            for (; j < w; j++) {
                float d = dOut[ro + j] * grad[j];
                dz[ro + j] = d;
                if (part != null) {
                    part[po + j] += d;
                }
            }
            return;
        }
        float mean = stats[so];
        float rstd = stats[so + 1];
        FloatVector meanV = FloatVector.broadcast(S, mean);
        FloatVector rstdV = FloatVector.broadcast(S, rstd);
        int g = lp.lnScale();
        int be = lp.lnBias();
        // The activation's input u = x̂·γ + β, then its derivative, in the scratch row.
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, z, ro + j).sub(meanV).mul(rstdV);
            xhat.fma(FloatVector.fromArray(S, p, g + j), FloatVector.fromArray(S, p, be + j)).intoArray(grad, j);
        }
        for (; j < w; j++) {
            grad[j] = (z[ro + j] - mean) * rstd * p[g + j] + p[be + j];
        }
        activateGrad(act, grad, 0, w);
        // du, the γ/β partials, dx̂ (kept in dz) and the two row sums of the LayerNorm backward.
        FloatVector accD = FloatVector.zero(S);
        FloatVector accDX = FloatVector.zero(S);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, z, ro + j).sub(meanV).mul(rstdV);
            FloatVector gamma = FloatVector.fromArray(S, p, g + j);
            FloatVector du = FloatVector.fromArray(S, dOut, ro + j).mul(FloatVector.fromArray(S, grad, j));
            if (part != null) {
                du.fma(xhat, FloatVector.fromArray(S, part, po + w + j)).intoArray(part, po + w + j);
                du.add(FloatVector.fromArray(S, part, po + 2 * w + j)).intoArray(part, po + 2 * w + j);
            }
            FloatVector dxhat = du.mul(gamma);
            dxhat.intoArray(dz, ro + j);
            accD = accD.add(dxhat);
            accDX = dxhat.fma(xhat, accDX);
        }
        float sumD = accD.reduceLanes(VectorOperators.ADD);
        float sumDX = accDX.reduceLanes(VectorOperators.ADD);
        for (; j < w; j++) {
            float xhat = (z[ro + j] - mean) * rstd;
            float du = dOut[ro + j] * grad[j];
            if (part != null) {
                part[po + w + j] += du * xhat;
                part[po + 2 * w + j] += du;
            }
            float dxhat = du * p[g + j];
            dz[ro + j] = dxhat;
            sumD += dxhat;
            sumDX += dxhat * xhat;
        }
        float m1s = sumD / w;
        float m2s = sumDX / w;
        FloatVector m1 = FloatVector.broadcast(S, m1s);
        FloatVector m2 = FloatVector.broadcast(S, m2s);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector xhat = FloatVector.fromArray(S, z, ro + j).sub(meanV).mul(rstdV);
            FloatVector d = FloatVector.fromArray(S, dz, ro + j).sub(m1).sub(xhat.mul(m2)).mul(rstdV);
            d.intoArray(dz, ro + j);
            if (part != null) {
                FloatVector.fromArray(S, part, po + j).add(d).intoArray(part, po + j);
            }
        }
        for (; j < w; j++) {
            float xhat = (z[ro + j] - mean) * rstd;
            float d = rstd * (dz[ro + j] - m1s - xhat * m2s);
            dz[ro + j] = d;
            if (part != null) {
                part[po + j] += d;
            }
        }
    }
}
