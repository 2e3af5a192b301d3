package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSpec;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Instances as containers on the real test Docker engine, from the engine-runner image of this
 * build pulled from the local registry, serving the real tiny model.
 */
class DockerRuntimeTests {

  private static final DataSize MEMORY = DataSize.ofMegabytes(512);

  private final String hostId = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30));
  private DockerEngine docker;
  private DockerRuntimeSettings settings;
  private DockerRuntime runtime;

  @BeforeEach
  void connect() {
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    settings = settingsStartingWithin(Duration.ofSeconds(60));
    runtime = new DockerRuntime(docker, settings, hostId);
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    runtime.close();
    // Whatever a failed assertion left behind.
    docker
        .listByLabels(Map.of(ContainerLabels.HOST, hostId))
        .forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
    docker.close();
  }

  @Test
  void runsAnInstanceInALabelledLimitedContainerThatGeneratesAndLeavesNothingOnStop()
      throws Exception {
    long began = System.nanoTime();
    URI endpoint = runtime.start(spec("a"));
    System.out.printf(
        "DockerRuntimeTests: container start-to-ready %d ms (pull from the local registry"
            + " included)%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());

    assertThat(generate(endpoint)).isPositive();
    assertThat(runtime.start(spec("a"))).as("idempotent per instance").isEqualTo(endpoint);

    ContainerInfo info = docker.inspect(runtime.containerId("a").orElseThrow()).orElseThrow();
    assertThat(info.memoryLimitBytes()).isEqualTo(MEMORY.toBytes());
    assertThat(info.nanoCpus()).isEqualTo(1_000_000_000L);
    assertThat(info.networkMode()).isEqualTo("host");
    assertThat(info.image()).isEqualTo(settings.engineRunnerImage());
    assertThat(info.labels())
        .containsEntry(ContainerLabels.MODEL, "tiny")
        .containsEntry(ContainerLabels.INSTANCE, "a")
        .containsEntry(ContainerLabels.DEPLOYMENT, "deployment:local_gguf:tiny")
        .containsEntry(ContainerLabels.HOST, hostId)
        .containsEntry(ContainerLabels.PORT, Integer.toString(endpoint.getPort()))
        .containsEntry(ContainerLabels.MANAGED, "true");
    assertThat(awaitHealth(info.id())).isEqualTo("healthy");
    assertThat(runtime.logs("a", 5)).hasValueSatisfying(l -> assertThat(l).contains("LISTENING"));

    runtime.stop("a");

    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))).isEmpty();
    assertThat(runtime.endpoint("a")).isEmpty();
    runtime.stop("a"); // a retried compensation repeats it
  }

  @Test
  void aStartInterruptedWhileItsContainerStartsRemovesTheContainer() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread starting =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    runtime.start(spec("interrupted"));
                  } catch (RuntimeException e) {
                    failure.set(e);
                  }
                });
    Map<String, String> itsLabels =
        Map.of(ContainerLabels.HOST, hostId, ContainerLabels.INSTANCE, "interrupted");
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (docker.listByLabels(itsLabels).stream()
        .noneMatch(c -> docker.inspect(c.id()).map(i -> i.state().running()).orElse(false))) {
      assertThat(System.nanoTime()).as("its container runs within a minute").isLessThan(deadline);
      Thread.sleep(20);
    }

    // What a cancelled start's activity does to the thread starting it.
    starting.interrupt();
    starting.join(Duration.ofSeconds(30));

    // However the interrupt surfaced (a wait, an HTTP call to the engine), the start failed.
    assertThat(failure.get()).isNotNull();
    assertThat(docker.listByLabels(itsLabels)).isEmpty();
  }

  @Test
  void aWorkerStoppedGracefullyThatKeepsItsContainersLeavesThemForTheNextToAdopt()
      throws Exception {
    DockerRuntime upgraded = new DockerRuntime(docker, settings.withKeepOnShutdown(true), hostId);
    URI kept = upgraded.start(spec("kept-over"));

    // A rolling upgrade: the worker stops as it is told to, not killed.
    upgraded.close();

    assertThat(generate(kept)).as("still serving").isPositive();
    DockerRuntime next = new DockerRuntime(docker, settings, hostId);
    try {
      ReconcileReport report = next.reconcile(Set.of("kept-over"), ReconcilePolicy.ADOPT_KNOWN);
      assertThat(report.adopted()).containsExactly("kept-over");
      assertThat(next.endpoint("kept-over")).contains(kept);
    } finally {
      next.close();
    }
    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId)))
        .as("removed by a worker that does not keep them")
        .isEmpty();
  }

  @Test
  void aKilledContainerIsNoticed() throws Exception {
    runtime.start(spec("killed"));
    String container = runtime.containerId("killed").orElseThrow();

    docker.kill(container);

    assertThat(runtime.endpoint("killed")).isEmpty();
    runtime.stop("killed");
    assertThat(docker.inspect(container)).isEmpty();
  }

  @Test
  void aRestartedWorkerAdoptsTheContainersTheRegistryKnowsAndRemovesTheOthers() throws Exception {
    URI kept = runtime.start(spec("kept"));
    runtime.start(spec("orphan"));

    // The worker crashed: a new runtime on the same host finds the containers.
    DockerRuntime restarted = new DockerRuntime(docker, settings, hostId);
    try {
      ReconcileReport report = restarted.reconcile(Set.of("kept"), ReconcilePolicy.ADOPT_KNOWN);

      assertThat(report.adopted()).containsExactly("kept");
      assertThat(report.removed()).containsExactly("orphan");
      assertThat(restarted.endpoint("kept")).contains(kept);
      assertThat(restarted.start(spec("kept"))).as("adopted, not duplicated").isEqualTo(kept);
      assertThat(generate(kept)).isPositive();
      assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId)))
          .extracting(c -> c.labels().get(ContainerLabels.INSTANCE))
          .containsExactly("kept");
    } finally {
      restarted.close();
    }
    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))).isEmpty();
  }

  @Test
  void anAdoptedContainerStillLoadingItsModelIsWaitedForNotTakenAsServing() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // A container an earlier worker left while its model loaded: labelled, running, not listening.
    String loading =
        docker.start(
            new ContainerSpec(
                TestServices.get("TEST_IMAGE"),
                DockerRuntime.containerName("loading-" + hostId),
                List.of("sleep", "3600"),
                Map.of(),
                Map.of(
                    ContainerLabels.HOST,
                    hostId,
                    ContainerLabels.INSTANCE,
                    "loading",
                    ContainerLabels.PORT,
                    Integer.toString(port)),
                0,
                0,
                true));
    DockerRuntime restarted =
        new DockerRuntime(
            docker,
            settingsStartingWithin(Duration.ofSeconds(2)),
            hostId,
            new InstanceNetwork(InetAddress.getLoopbackAddress(), PortRange.single(port)));
    try {
      assertThat(restarted.reconcile(Set.of("loading")).adopted()).containsExactly("loading");
      // Its server will bind the port once loaded: no start here may be given it meanwhile.
      assertThatThrownBy(restarted::reservePort).hasMessageContaining("free of the containers");

      // Before, its endpoint was answered at once, as if it served.
      assertThatThrownBy(() -> restarted.start(spec("loading")))
          .hasMessageContaining("did not answer");
      assertThat(docker.inspect(loading)).as("removed, as a failed start's container is").isEmpty();
      assertThat(restarted.reservePort()).as("given back with it").isEqualTo(port);
    } finally {
      restarted.close();
    }
  }

  @Test
  void removeAllRemovesEvenKnownContainers() {
    runtime.start(spec("known"));

    ReconcileReport report =
        new DockerRuntime(docker, settings, hostId)
            .reconcile(Set.of("known"), ReconcilePolicy.REMOVE_ALL);

    assertThat(report.adopted()).isEmpty();
    assertThat(report.removed()).containsExactly("known");
    assertThat(runtime.endpoint("known")).isEmpty();
  }

  private String awaitHealth(String containerId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String health = "";
    while (System.nanoTime() < deadline) {
      health = docker.inspect(containerId).orElseThrow().state().health();
      if (!health.equals("starting")) {
        return health;
      }
      Thread.sleep(200);
    }
    return health;
  }

  private static InstanceSpec spec(String id) {
    return new InstanceSpec(
        id,
        "tiny",
        TestServices.tinyModel(),
        EngineOptions.of(512, 1, 1),
        new InstanceResources(MEMORY, List.of()),
        "deployment:local_gguf:tiny");
  }

  private int generate(URI endpoint) throws IOException, InterruptedException {
    return client
        .chat(
            endpoint,
            new ChatCompletionRequest(
                "tiny", List.of(new ChatMessage("user", "Hello")), 3, 0.0, 1, false))
        .usage()
        .completionTokens();
  }

  private static DockerRuntimeSettings settingsStartingWithin(Duration startTimeout) {
    return new DockerRuntimeSettings(
        TestImages.engineRunner(),
        null,
        Duration.ofMinutes(2),
        startTimeout,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        ReconcilePolicy.ADOPT_KNOWN,
        null,
        null,
        null,
        false);
  }
}
