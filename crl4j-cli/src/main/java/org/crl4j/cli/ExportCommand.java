package org.crl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.nn.MlpOptions;
import org.crl4j.onnx.OnnxExport;
import org.crl4j.policy.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crl4j export}: a trained actor as a file that other programs run (ONNX). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the deterministic actor of a checkpoint (or a run directory's last one) as an ONNX model: "
                + "input 'observation' float32 [batch, state+goal], output 'action' float32 [batch, action] "
                + "(opset 17; see docs/export.md).")
public final class ExportCommand implements Runnable {
    @Parameters(paramLabel = "RUN_DIR|CHECKPOINT", description = "A run directory or a .safetensors checkpoint.")
    Path source;
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX file to write (replaced atomically if it exists).")
    Path onnx;

    @Override
    public void run() {
        Path file = checkpoint();
        checkOutput(file);
        Policy policy;
        try {
            policy = Policy.load(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(oneLine(e) + " (export reads a run directory or a crl4j .safetensors "
                    + "checkpoint)", e);
        }
        OnnxExport.Summary s;
        try {
            s = OnnxExport.write(policy, onnx);
        } catch (IOException e) {
            throw new IllegalArgumentException(oneLine(e) + "; choose a writable --onnx path", e);
        }
        MlpOptions net = policy.network();
        String layout = OnnxExport.metadata(policy, "").get("observation_layout");
        System.out.printf("exported %s (%s, %s, %,d env steps) to %s%n", file, policy.env(), policy.algo(),
                policy.envSteps(), onnx);
        System.out.printf("  input   %-12s float32 [%s, %d]  %s%n", OnnxExport.INPUT, OnnxExport.BATCH,
                s.observationDim(), layout);
        System.out.printf("  output  %-12s float32 [%s, %d]  tanh of the actor's %s, each in [-1, 1]%n",
                OnnxExport.OUTPUT, OnnxExport.BATCH, s.actionDim(), policy.gaussian() ? "mean" : "output");
        System.out.printf("  ONNX opset %d (IR %d), %d nodes, %d initializers (%,d parameters), %,d bytes; actor "
                        + "width %d, depth %d%s%n", s.opset(), OnnxExport.IR_VERSION, s.nodes(), s.initializers(),
                s.parameters(), s.bytes(), net.width(), net.depth(), ablation(net));
    }

    /** The checkpoint file that {@link #source} names, or a one-line error saying what to give instead. */
    private Path checkpoint() {
        if (!Files.exists(source)) {
            throw new IllegalArgumentException("no run directory or checkpoint at " + source + "; give a run directory "
                    + "(runs/NAME) or a .safetensors checkpoint");
        }
        if (Files.isDirectory(source)) {
            Path last = org.crl4j.rl.RunDirectory.at(source).lastCheckpoint();
            if (!Files.isRegularFile(last)) {
                throw new IllegalArgumentException(source + " has no checkpoints/last.safetensors; give a run directory "
                        + "that has finished an epoch, or a .safetensors checkpoint");
            }
            return last;
        }
        return source;
    }

    /** Refuses, before reading anything, an output path that cannot be written or that is the checkpoint itself. */
    private void checkOutput(Path checkpoint) {
        Path target = onnx.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("--onnx " + onnx + " is a directory; give a file name, e.g. "
                    + onnx.resolve("policy.onnx"));
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + onnx + ": " + (Files.exists(dir)
                    ? dir + " is a file, not a directory" : "directory " + dir + " does not exist")
                    + "; create the directory or choose another --onnx path");
        }
        try {
            if (Files.exists(target) && Files.isSameFile(target, checkpoint)) {
                throw new IllegalArgumentException("--onnx " + onnx + " is the checkpoint being exported; give "
                        + "another file name, e.g. policy.onnx");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(oneLine(e) + "; choose another --onnx path", e);
        }
    }

    private static String ablation(MlpOptions net) {
        StringBuilder b = new StringBuilder();
        if (!net.layerNorm()) {
            b.append(", no LayerNorm");
        }
        if (net.activation() != org.crl4j.nn.Activation.SWISH) {
            b.append(", ").append(net.activation().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!net.residual()) {
            b.append(", no residual connections");
        }
        return b.toString();
    }

    private static String oneLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
