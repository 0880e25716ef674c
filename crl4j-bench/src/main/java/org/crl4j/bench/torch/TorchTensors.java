package org.crl4j.bench.torch;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Copies between Java arrays (row-major) and CPU tensors. All methods copy; no tensor aliases a Java array. */
public final class TorchTensors {
    private TorchTensors() {
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static void check(int length, long[] shape) {
        if (numel(shape) != length) {
            throw new IllegalArgumentException("array of " + length + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
    }

    /** A new tensor of the given precision holding {@code data} (float values are exact in FP64). */
    public static Tensor of(float[] data, TorchPrecision p, long... shape) {
        check(data.length, shape);
        TorchRuntime.init();
        Tensor t = torch.empty(shape, new TensorOptions(p.scalarType()), null);
        if (p == TorchPrecision.FP32) {
            t.data_ptr_float().put(data, 0, data.length);
        } else {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = data[i];
            }
            t.data_ptr_double().put(d, 0, d.length);
        }
        return t;
    }

    /** A new tensor of the given precision holding {@code data} (rounded to float for FP32). */
    public static Tensor of(double[] data, TorchPrecision p, long... shape) {
        check(data.length, shape);
        TorchRuntime.init();
        Tensor t = torch.empty(shape, new TensorOptions(p.scalarType()), null);
        if (p == TorchPrecision.FP64) {
            t.data_ptr_double().put(data, 0, data.length);
        } else {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            t.data_ptr_float().put(f, 0, f.length);
        }
        return t;
    }

    /** The values of {@code t} (any shape, FP32 or FP64) as row-major floats. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().to(torch.ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        c.data_ptr_float().get(out, 0, out.length);
        return out;
    }

    /** The values of {@code t} (any shape, FP32 or FP64) as row-major doubles. */
    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().to(torch.ScalarType.Double).contiguous();
        double[] out = new double[Math.toIntExact(c.numel())];
        c.data_ptr_double().get(out, 0, out.length);
        return out;
    }

    /** The single value of a one-element tensor. */
    public static double scalar(Tensor t) {
        return t.detach().to(torch.ScalarType.Double).item_double();
    }
}
