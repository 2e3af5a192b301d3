package dev.modelyard.infra.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real test Docker engine, whose containers have no bridge network: host only. */
class DockerEngineTests {

  private static final long MEMORY_LIMIT = 64L * 1024 * 1024;
  private static final long HALF_A_CPU = 500_000_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String image = TestServices.get("TEST_IMAGE");
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<String> started = new ArrayList<>();
  private DockerEngine engine;

  @BeforeEach
  void connect() throws Exception {
    engine = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    engine.pull(image, progress -> {}, TIMEOUT);
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    started.forEach(id -> engine.stopAndRemove(id, Duration.ZERO));
    engine.close();
  }

  @Test
  void pullFromTheRegistryReportsProgress() throws Exception {
    List<ImagePullProgress> progress = new CopyOnWriteArrayList<>();

    engine.pull(image, progress::add, TIMEOUT);

    assertThat(progress).isNotEmpty();
    assertThat(progress.getLast().status()).contains(image);
  }

  @Test
  void runsAContainerThenShowsItsLogsLabelsAndLimitsAndRemovesIt() throws Exception {
    String id =
        start(
            "echo-" + run,
            List.of("sh", "-c", "echo hello from modelyard; echo and from stderr >&2"));

    assertThat(engine.waitForExit(id, TIMEOUT)).hasValue(0);
    assertThat(engine.logs(id, 10, TIMEOUT))
        .contains("hello from modelyard")
        .contains("and from stderr");

    ContainerInfo info = engine.inspect(id).orElseThrow();
    assertThat(info.name()).isEqualTo("modelyard-test-echo-" + run);
    assertThat(info.labels())
        .containsEntry("modelyard.test-run", run)
        .containsEntry(ContainerLabels.MANAGED, "true");
    assertThat(info.memoryLimitBytes()).isEqualTo(MEMORY_LIMIT);
    assertThat(info.nanoCpus()).isEqualTo(HALF_A_CPU);
    assertThat(info.networkMode()).isEqualTo("host");
    assertThat(info.state().status()).isEqualTo("exited");
    assertThat(info.state().running()).isFalse();
    assertThat(engine.listByLabels(Map.of("modelyard.test-run", run)))
        .extracting(ContainerSummary::id)
        .containsExactly(id);

    engine.stopAndRemove(id, Duration.ofSeconds(1));

    assertThat(engine.inspect(id)).isEmpty();
    assertThat(engine.listByLabels(Map.of("modelyard.test-run", run))).isEmpty();
  }

  @Test
  void stopsARunningContainerThatOutlivesTheWait() throws Exception {
    String id = start("sleeper-" + run, List.of("sleep", "300"));

    assertThat(engine.waitForExit(id, Duration.ofMillis(300))).isEmpty();
    assertThat(engine.inspect(id).orElseThrow().state().running()).isTrue();

    engine.stopAndRemove(id, Duration.ofSeconds(1));

    assertThat(engine.inspect(id)).isEmpty();
    // A retried activity repeats the call: it must succeed once the container is gone.
    engine.stopAndRemove(id, Duration.ofSeconds(1));
  }

  @Test
  void removesAContainerThatCannotStartSoItsNameIsFreeForARetry() {
    String name = "modelyard-test-broken-" + run;
    ContainerSpec broken = spec(name, List.of("/no/such/program"));

    assertThatThrownBy(() -> engine.start(broken)).hasMessageContaining("/no/such/program");

    assertThat(engine.inspect(name)).isEmpty();
  }

  private String start(String suffix, List<String> command) {
    String id = engine.start(spec("modelyard-test-" + suffix, command));
    started.add(id);
    return id;
  }

  private ContainerSpec spec(String name, List<String> command) {
    return new ContainerSpec(
        image,
        name,
        command,
        Map.of("GREETING", "hello"),
        Map.of("modelyard.test-run", run),
        MEMORY_LIMIT,
        HALF_A_CPU,
        true);
  }
}
