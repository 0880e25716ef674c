package org.crl4j.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.NormAct;
import org.crl4j.policy.Policy;

/**
 * The deterministic actor of a {@link Policy} as an ONNX model: the same function as {@link Policy#actBatch}, for
 * ONNX Runtime or any other ONNX consumer.
 *
 * <p>One input, {@value #INPUT} float32 [batch, observationDim] (the state followed by the goal, as the environments
 * give it); one output, {@value #OUTPUT} float32 [batch, actionDim] in [−1, 1]. The graph, opset {@value #OPSET}:
 * per hidden layer Gemm (the crl4j kernel [in × out] as B, transB = 0) → LayerNormalization (axis −1, crl4j's
 * epsilon) → Sigmoid·Mul (swish) or Relu; per residual block an Add of the block input after its fourth layer; the
 * head's Gemm over its first actionDim columns only (a tanh-Gaussian head's mean, not its log σ), then Tanh.
 * Initializers carry the crl4j tensor names ({@code actor.block3.layer2.kernel}); the head's mean columns of a
 * tanh-Gaussian actor are {@code actor.head.kernel.mean} and {@code actor.head.bias.mean}.
 *
 * <p>The model's metadata_props say where it came from: {@code env}, {@code algo}, {@code state_dim},
 * {@code goal_dim}, {@code action_dim}, {@code observation_layout}, {@code depth}, {@code width},
 * {@code layer_norm}, {@code activation}, {@code residual}, {@code env_steps} and {@code crl4j_version}.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    /** The ONNX operator set the graph uses (LayerNormalization needs 17 or later). */
    public static final int OPSET = 17;
    /** The IR version of ONNX 1.12, the release that introduced opset 17. */
    public static final long IR_VERSION = 8;
    public static final String INPUT = "observation";
    public static final String OUTPUT = "action";
    /** The name of the input's and output's first, dynamic dimension. */
    public static final String BATCH = "batch";
    public static final String PRODUCER = "crl4j";

    /** What {@link #write} wrote. */
    public record Summary(Path file, long bytes, int opset, int nodes, int initializers, long parameters,
                          int observationDim, int actionDim) {
    }

    /** The crl4j version this class was built as (Maven's project version). */
    public static String crl4jVersion() {
        Properties p = new Properties();
        try (InputStream in = OnnxExport.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read crl4j-onnx's version.properties: " + e.getMessage(), e);
        }
        String v = p.getProperty("version");
        return v == null || v.startsWith("${") ? "unknown" : v;
    }

    /** Writes the model of {@code policy} to {@code file}, atomically (a temporary file there, then a rename). */
    public static Summary write(Policy policy, Path file) throws IOException {
        ModelProto model = model(policy);
        byte[] bytes = model.toByteArray();
        AtomicFiles.writeBytes(file, bytes);
        long parameters = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            long n = 1;
            for (long d : t.getDimsList()) {
                n *= d;
            }
            parameters += n;
        }
        return new Summary(file, bytes.length, OPSET, model.getGraph().getNodeCount(),
                model.getGraph().getInitializerCount(), parameters, policy.observationDim(), policy.actionDim());
    }

    /** Float parameters the model of {@code policy} holds (the head's mean columns only). */
    public static long parameters(Policy policy) {
        MlpOptions net = policy.network();
        long w = net.width();
        long perLayerExtra = w + (net.layerNorm() ? 2 * w : 0);
        return policy.observationDim() * w + perLayerExtra + 4L * net.blocks() * (w * w + perLayerExtra)
                + w * policy.actionDim() + policy.actionDim();
    }

    /** The largest message protobuf reads or writes: 2 GiB. */
    static final long PROTOBUF_LIMIT = Integer.MAX_VALUE;

    /**
     * The ONNX model of {@code policy}'s deterministic actor. An actor whose weights do not fit in one protobuf
     * message (2 GiB, about 530 million parameters) is refused: this exporter writes no external-data files.
     */
    public static ModelProto model(Policy policy) {
        long bytes = 4 * parameters(policy);
        if (bytes > PROTOBUF_LIMIT - (64L << 20)) {
            throw new IllegalArgumentException("this actor's weights take " + bytes + " bytes, more than one ONNX file "
                    + "can hold (2 GiB, a protobuf limit); export a narrower or shallower actor");
        }
        String version = crl4jVersion();
        Graph g = new Graph();
        MlpOptions net = policy.network();
        int width = net.width();
        String h = g.layer(policy, "actor.in", INPUT, policy.observationDim(), width, net);
        for (int b = 0; b < net.blocks(); b++) {
            String block = "actor.block" + b;
            String x = h;
            for (int l = 0; l < 4; l++) {
                x = g.layer(policy, block + ".layer" + l, x, width, width, net);
            }
            if (net.residual()) {
                String sum = block + ".out";
                g.node("Add", block + "/Add", List.of(x, h), sum);
                x = sum;
            }
            h = x;
        }
        int a = policy.actionDim();
        int outs = policy.headOutputs();
        float[] kernel = policy.tensor("actor.head.kernel");
        float[] bias = policy.tensor("actor.head.bias");
        String kName = "actor.head.kernel";
        String bName = "actor.head.bias";
        if (outs != a) { // [μ ‖ raw log σ]: keep the mean's columns
            float[] k = new float[width * a];
            for (int r = 0; r < width; r++) {
                System.arraycopy(kernel, r * outs, k, r * a, a);
            }
            kernel = k;
            bias = java.util.Arrays.copyOf(bias, a);
            kName += ".mean";
            bName += ".mean";
        }
        g.initializer(kName, kernel, width, a);
        g.initializer(bName, bias, a);
        g.node("Gemm", "actor.head/Gemm", List.of(h, kName, bName), "actor.head.mean");
        g.node("Tanh", "actor/Tanh", List.of("actor.head.mean"), OUTPUT);

        GraphProto graph = g.graph
                .setName("crl4j_actor")
                .setDocString("Deterministic actor of a crl4j " + policy.algo() + " agent trained on " + policy.env()
                        + ": action = tanh(mean of the actor's head) for observation = state ‖ goal.")
                .addInput(value(INPUT, policy.observationDim()))
                .addOutput(value(OUTPUT, a))
                .build();
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(PRODUCER)
                .setProducerVersion(version)
                .setDomain("org.crl4j")
                .setModelVersion(1)
                .setDocString(graph.getDocString())
                .setGraph(graph);
        for (Map.Entry<String, String> e : metadata(policy, version).entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return m.build();
    }

    /** The metadata_props of {@code policy}'s model, in the order they are written. */
    public static Map<String, String> metadata(Policy policy, String crl4jVersion) {
        int s = policy.stateDim();
        int goal = policy.goalDim();
        MlpOptions net = policy.network();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("env", policy.env());
        m.put("algo", policy.algo());
        m.put("state_dim", Integer.toString(s));
        m.put("goal_dim", Integer.toString(goal));
        m.put("action_dim", Integer.toString(policy.actionDim()));
        m.put("observation_layout", "state[0:" + s + "] ‖ goal[" + s + ":" + (s + goal) + "]");
        m.put("depth", Integer.toString(net.depth()));
        m.put("width", Integer.toString(net.width()));
        m.put("layer_norm", Boolean.toString(net.layerNorm()));
        m.put("activation", net.activation().name().toLowerCase(java.util.Locale.ROOT));
        m.put("residual", Boolean.toString(net.residual()));
        m.put("env_steps", Long.toString(policy.envSteps()));
        m.put("crl4j_version", crl4jVersion);
        return m;
    }

    private static ValueInfoProto value(String name, int features) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
                .build();
    }

    /** A graph under construction: nodes in order, initializers from the policy's tensors. */
    private static final class Graph {
        final GraphProto.Builder graph = GraphProto.newBuilder();

        /** Dense → LayerNorm → activation for the crl4j layer {@code name}; returns the name of its output. */
        String layer(Policy policy, String name, String input, int in, int out, MlpOptions net) {
            String k = name + ".kernel";
            String b = name + ".bias";
            initializer(k, policy.tensor(k), in, out);
            initializer(b, policy.tensor(b), out);
            String z = name + ".z";
            node("Gemm", name + "/Gemm", List.of(input, k, b), z);
            if (net.layerNorm()) {
                String scale = name + ".ln_scale";
                String shift = name + ".ln_bias";
                initializer(scale, policy.tensor(scale), out);
                initializer(shift, policy.tensor(shift), out);
                String u = name + ".ln";
                graph.addNode(NodeProto.newBuilder()
                        .setOpType("LayerNormalization")
                        .setName(name + "/LayerNormalization")
                        .addAllInput(List.of(z, scale, shift))
                        .addOutput(u)
                        .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1))
                        .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                                .setF(NormAct.LN_EPS)));
                z = u;
            }
            String y = name + ".h";
            if (net.activation() == Activation.SWISH) {
                String sig = name + ".sigmoid";
                node("Sigmoid", name + "/Sigmoid", List.of(z), sig);
                node("Mul", name + "/Mul", List.of(z, sig), y);
            } else if (net.activation() == Activation.RELU) {
                node("Relu", name + "/Relu", List.of(z), y);
            } else {
                throw new IllegalArgumentException("no ONNX form for the activation " + net.activation());
            }
            return y;
        }

        void node(String op, String name, List<String> inputs, String output) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
            if (op.equals("Gemm")) { // y = x·B + c with B as crl4j stores it, [in × out]
                n.addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(0));
            }
            graph.addNode(n);
        }

        void initializer(String name, float[] values, long... dims) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalStateException(name + " has " + values.length + " values, expected " + n);
            }
            ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN); // ONNX raw_data is LE
            raw.asFloatBuffer().put(values);
            List<Long> shape = new ArrayList<>(dims.length);
            for (long d : dims) {
                shape.add(d);
            }
            graph.addInitializer(TensorProto.newBuilder()
                    .setName(name)
                    .setDataType(TensorProto.DataType.FLOAT_VALUE)
                    .addAllDims(shape)
                    .setRawData(ByteString.copyFrom(raw.array())));
        }
    }
}
