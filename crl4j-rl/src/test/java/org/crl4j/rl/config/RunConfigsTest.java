package org.crl4j.rl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.crl4j.rl.CrlConfig;
import org.junit.jupiter.api.Test;

class RunConfigsTest {
    @Test
    void theDefaultsAreTheTablesAndMatchThePaperWhereTheyShould() {
        RunConfig d = RunConfigs.defaults();
        assertThat(d.networks().criticDepth()).isEqualTo(4);
        assertThat(d.networks().reprDim()).isEqualTo(64);
        assertThat(d.schedule().totalEnvSteps()).isEqualTo(600_000L);
        assertThat(d.evalEnvId()).isEqualTo("simple_u_maze");
        // every network/loss value the defaults give equals the paper's CrlConfig except the two widths and the
        // actor's initialisation (zero-head: docs/results.md, "The deep actor's initial log-std")
        CrlConfig paper = CrlConfig.paper(128, 4);
        assertThat(d.crlConfig()).isEqualTo(paper.withActorInit(org.crl4j.rl.ActorInit.ZERO_HEAD));
        assertThat(RunConfigs.options()).hasSize(RunConfigs.toFlatMap(d).size());
        assertThat(RunConfigs.options().stream().map(RunConfigs.Option::key).distinct().count())
                .as("one spelling per option, unique across sections").isEqualTo(RunConfigs.options().size());
    }

    @Test
    void valuesBindFromFlatOrSectionedMapsTextOrTyped() {
        Map<String, Object> sectioned = new LinkedHashMap<>();
        sectioned.put("networks", Map.of("critic-depth", 16, "layer-norm", false));
        sectioned.put("schedule", Map.of("total_env_steps", "2_000_000"));
        sectioned.put("actor-lr", "1e-3");
        RunConfig c = RunConfigs.bind(sectioned, "test");
        assertThat(c.networks().criticDepth()).isEqualTo(16);
        assertThat(c.networks().layerNorm()).isFalse();
        assertThat(c.schedule().totalEnvSteps()).isEqualTo(2_000_000L);
        assertThat(c.algorithm().actorLr()).isEqualTo(1e-3);
        assertThat(RunConfigs.bind(RunConfigs.toMap(c), "round trip")).isEqualTo(c);
        assertThat(RunConfigs.bind(RunConfigs.toFlatMap(c), "round trip")).isEqualTo(c);
    }

    @Test
    void badValuesNameTheirKeyInOneLine() {
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("critic-dpeth", 8), "x.toml"))
                .hasMessageStartingWith("unknown config key 'critic-dpeth' in x.toml; known keys:").hasMessageContaining("critic-depth");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("network", Map.of("critic-depth", 8)), "x.toml"))
                .hasMessageContaining("unknown config section 'network'").hasMessageContaining("networks");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("critic-depth", 6), "x.toml"))
                .hasMessage("config key 'critic-depth' is 6; it must be a multiple of 4 (4 Dense layers per residual block); try 8");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("num-envs", 0), RunConfigs.COMMAND_LINE))
                .hasMessage("--num-envs is 0; it must be at least 1");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("gamma", 1.5), "f")).hasMessage("config key 'gamma' in f is 1.5; it must be between 0 and 1");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("batch-size", 2.5), "f")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("energy", "L1"), "f")).hasMessageContaining("use one of norm, l2, dot, cosine");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("residual", "yes"), "f")).hasMessageContaining("must be true or false");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("seed", "one"), "f")).hasMessageContaining("'seed'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> RunConfigs.bind(Map.of("critic-depth", 8, "networks", Map.of("critic-depth", 12)), "f"))
                .hasMessageContaining("given twice");
    }

    @Test
    void theTomlStatesEveryOptionInItsSectionWithItsHelp() {
        RunConfig c = RunConfigs.with(RunConfigs.defaults(), Map.of("env", "maze:#####/#R.G#/#####", "critic-lr", 1e-4),
                RunConfigs.COMMAND_LINE);
        String toml = RunConfigs.toToml(c, "heading");
        assertThat(toml).startsWith("# heading\n\n[env]\nenv = \"maze:#####/#R.G#/#####\"  # Task id");
        assertThat(toml).contains("\n[networks]\ncritic-depth = 4  # Residual depth").contains("\ncritic-lr = 1.0E-4  #")
                .contains("\n[logging]\ncheckpoint-every = 0  #");
        for (RunConfigs.Option o : RunConfigs.options()) {
            assertThat(toml).contains("\n" + o.key() + " = ");
        }
        assertThat(RunConfigs.markdownTable().lines().count()).isEqualTo(RunConfigs.options().size() + 2);
    }
}
