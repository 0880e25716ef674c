package org.crl4j.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParamStoreIoTest {

    static ResidualMlp build(ParamStore ps, int width, int depth) {
        return new ResidualMlp(new Parallel(1), ps, "actor", 7, 4, MlpOptions.paper(width, depth));
    }

    @Test
    void saveAndLoadRestoresEveryParameterExactly(@TempDir Path dir) throws IOException {
        ParamStore a = new ParamStore();
        ResidualMlp netA = build(a, 16, 8);
        a.allocate();
        netA.init(new Rng(3));
        Path f = dir.resolve("actor.safetensors");
        a.save(f, Map.of("crl4j", "{\"depth\":8}"));

        ParamStore b = new ParamStore();
        ResidualMlp netB = build(b, 16, 8);
        b.allocate();
        Map<String, String> meta = b.load(f);
        assertThat(b.params()).isEqualTo(a.params());
        assertThat(meta).containsEntry("crl4j", "{\"depth\":8}");
        float[] x = new float[2 * 7];
        new Rng(1).fillGaussian(x, 0, x.length);
        assertThat(netB.infer(x, 2)).isEqualTo(netA.infer(x, 2));
    }

    @Test
    void loadingIntoAnotherShapeNamesTheMismatchAndChangesNothing(@TempDir Path dir) throws IOException {
        ParamStore a = new ParamStore();
        ResidualMlp net = build(a, 16, 8);
        a.allocate();
        net.init(new Rng(3));
        Path f = dir.resolve("p.safetensors");
        a.save(f, null);
        ParamStore wider = new ParamStore();
        build(wider, 32, 8);
        wider.allocate();
        float[] before = wider.params().clone();
        assertThatThrownBy(() -> wider.load(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not fit this model").hasMessageContaining("actor.in.kernel");
        assertThat(wider.params()).isEqualTo(before);
        ParamStore deeper = new ParamStore();
        build(deeper, 16, 12);
        deeper.allocate();
        assertThatThrownBy(() -> deeper.load(f)).hasMessageContaining("no tensor 'actor.block2.layer0.kernel'");
    }

    @Test
    void aTruncatedFileIsReportedAsCorrupt(@TempDir Path dir) throws IOException {
        ParamStore a = new ParamStore();
        build(a, 16, 4);
        a.allocate();
        Path f = dir.resolve("p.safetensors");
        a.save(f, null);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> a.load(f)).isInstanceOf(org.crl4j.core.io.CorruptFileException.class)
                .hasMessageContaining("p.safetensors");
    }
}
