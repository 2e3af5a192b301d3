package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.EngineRunnerMain;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each instance a JVM of its own, serving the real tiny model; killing one leaves the others. */
class LocalProcessRuntimeTests {

  @TempDir Path logs;
  private LocalProcessRuntime runtime;
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void startsAnInstanceProcessThatAnswersAndStopsIt() throws Exception {
    runtime = new LocalProcessRuntime(logs);

    URI endpoint = runtime.start(spec("a"));

    assertThat(generate(endpoint)).isPositive();
    ProcessHandle process = runtime.process("a").orElseThrow();
    assertThat(process.pid()).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(runtime.start(spec("a"))).as("idempotent per instance").isEqualTo(endpoint);

    runtime.stop("a");

    assertThat(process.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(runtime.endpoint("a")).isEmpty();
    assertThat(logs.resolve("a.log")).content().contains("LISTENING");
  }

  @Test
  void aRunnerEndsWithItsWorkerWhenThatIsKilledOutrightEvenWhileTheModelLoads() throws Exception {
    runtime = new LocalProcessRuntime(logs);
    // A stand-in for the worker: a shell ($$) that starts the runner as the worker does.
    String runner =
        LocalProcessRuntime.command(spec("orphan"), InstanceNetwork.loopback(PortRange.ANY), 0)
            .stream()
            .map(arg -> "'" + arg.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "))
            .replace(
                "'-D" + EngineRunnerMain.EXIT_WITH + "=0'",
                "-D" + EngineRunnerMain.EXIT_WITH + "=$$");
    assertThat(runner).contains(EngineRunnerMain.EXIT_WITH + "=$$");
    Process worker = new ProcessBuilder("bash", "-c", runner + " & echo $!; wait").start();
    ProcessHandle orphan =
        ProcessHandle.of(Long.parseLong(worker.inputReader(StandardCharsets.UTF_8).readLine()))
            .orElseThrow();

    // Killed as a worker is under kill -9, before its runner has even loaded the model.
    worker.destroyForcibly();

    assertThat(orphan.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  void aRunnerThatDoesNotListenWithinItsStartTimeoutIsKilledAndTheStartSaysSo() {
    runtime =
        new LocalProcessRuntime(
            logs, InstanceNetwork.loopback(PortRange.ANY), Duration.ofMillis(1));

    assertThatThrownBy(() -> runtime.start(spec("slow")))
        .hasMessageContaining("did not listen within PT0.001S (MODELYARD_INSTANCE_START_TIMEOUT)");
    assertThat(runtime.endpoint("slow")).isEmpty();
  }

  @Test
  void aKilledInstanceIsGoneWhileTheOthersServe() throws Exception {
    runtime = new LocalProcessRuntime(logs);
    URI survivor = runtime.start(spec("one"));
    runtime.start(spec("two"));

    runtime.process("two").orElseThrow().destroyForcibly();
    runtime.process("two").orElseThrow().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(runtime.endpoint("two")).isEmpty();
    assertThat(generate(survivor)).isPositive();
  }

  @Test
  void eachProcessSeesOnlyItsGpusAndOneWithoutGpusSeesNone() throws Exception {
    runtime = new LocalProcessRuntime(logs);
    runtime.start(
        new InstanceSpec(
            "on-gpus",
            "tiny",
            TestServices.tinyModel(),
            EngineOptions.of(512, 1, 1),
            new InstanceResources(null, List.of("1", "GPU-5f2c9e1a")),
            null));
    runtime.start(spec("in-ram"));

    assertThat(environment("on-gpus"))
        .containsEntry("CUDA_VISIBLE_DEVICES", "1,GPU-5f2c9e1a")
        .containsEntry("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
    assertThat(environment("in-ram"))
        .as("an empty list hides every GPU from CUDA")
        .containsEntry("CUDA_VISIBLE_DEVICES", "");
  }

  /** The environment the instance's process was started with, as Linux shows it. */
  private Map<String, String> environment(String instanceId) throws IOException {
    long pid = runtime.process(instanceId).orElseThrow().pid();
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    return Arrays.stream(new String(raw, StandardCharsets.UTF_8).split("\0"))
        .filter(entry -> entry.contains("="))
        .collect(
            Collectors.toMap(
                entry -> entry.substring(0, entry.indexOf('=')),
                entry -> entry.substring(entry.indexOf('=') + 1),
                (first, second) -> second));
  }

  private static InstanceSpec spec(String id) {
    return new InstanceSpec(id, "tiny", TestServices.tinyModel(), EngineOptions.of(512, 1, 1));
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
}
