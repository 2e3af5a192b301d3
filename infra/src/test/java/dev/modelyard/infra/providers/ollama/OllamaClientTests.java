package dev.modelyard.infra.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.StallingHttpServer;
import dev.modelyard.testing.TestServices;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real test Ollama, whose model has random weights: assert the shape of answers, never
 * their wording.
 */
class OllamaClientTests {

  private final String model = TestServices.get("OLLAMA_TEST_MODEL");
  private final String registryModel = TestServices.get("OLLAMA_REGISTRY_MODEL");
  private final OllamaClient ollama =
      new OllamaClient(OllamaSettings.of(URI.create(TestServices.get("OLLAMA_HOST"))));

  @AfterEach
  void close() {
    ollama.close();
  }

  @Test
  void reportsItsVersion() throws Exception {
    assertThat(ollama.version()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void generatesTextWithTokenCountsAndThenListsTheModelAsLoaded() throws Exception {
    Generation generation =
        ollama.generate(
            model, "Say hello", GenerationOptions.defaults().withTemperature(0).withNumPredict(8));

    assertThat(generation.text()).isNotEmpty();
    assertThat(generation.promptEvalCount()).isPositive();
    assertThat(generation.evalCount()).isBetween(1, 8);
    assertThat(generation.totalDuration()).isPositive();
    assertThat(generation.evalDuration()).isPositive();
    assertThat(ollama.ps()).extracting(RunningModel::name).contains(model + ":latest");
  }

  @Test
  void listsStoredModelsWithTheirDetails() throws Exception {
    OllamaModel tiny =
        ollama.tags().stream()
            .filter(m -> m.name().equals(model + ":latest"))
            .findFirst()
            .orElseThrow();

    assertThat(tiny.size()).isPositive();
    assertThat(tiny.digest()).matches("[0-9a-f]{64}");
    assertThat(tiny.modifiedAt()).isNotNull();
    assertThat(tiny.details().format()).isEqualTo("gguf");
    assertThat(tiny.details().family()).isEqualTo("llama");
    assertThat(tiny.details().quantizationLevel()).isNotBlank();
    assertThat(tiny.details().parameterSize()).isNotBlank();
  }

  @Test
  void pullsFromAnInsecureRegistryReportingProgressUntilTheModelIsStored() throws Exception {
    deleteIfPresent(registryModel);
    assertThat(storedNames()).doesNotContain(registryModel + ":latest");
    List<ModelPullProgress> progress = new CopyOnWriteArrayList<>();

    try {
      ollama.pull(registryModel, true, progress::add);

      assertThat(progress.getLast().isSuccess()).isTrue();
      assertThat(progress)
          .anySatisfy(
              step -> {
                assertThat(step.digest()).startsWith("sha256:");
                assertThat(step.total()).isPositive();
              });
      assertThat(storedNames()).contains(registryModel + ":latest");
    } finally {
      // test-services.sh leaves the registry model deleted; so do we.
      deleteIfPresent(registryModel);
    }
  }

  /**
   * The real Ollama pulls from a registry on loopback that takes connections and never answers, so
   * Ollama says "pulling manifest" and then nothing.
   */
  @Test
  void aPullThatSaysNothingForItsStallTimeoutFails() throws Exception {
    try (ServerSocket silentRegistry = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String model = "127.0.0.1:" + silentRegistry.getLocalPort() + "/modelyard/silent";
      long start = System.nanoTime();

      assertThatThrownBy(() -> ollama.pull(model, true, step -> {}, Duration.ofSeconds(2)))
          .isInstanceOfSatisfying(OllamaException.class, e -> assertThat(e.status()).isEqualTo(504))
          .hasMessageContaining("Ollama reported no progress for PT2S");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /**
   * A server in Ollama's place that sends its headers and then never the body it announced: what a
   * wedged server or proxy does. The whole answer is bounded by the request timeout.
   */
  @Test
  void anAnswerWhoseBodyNeverComesFailsAtTheRequestTimeout() throws Exception {
    try (StallingHttpServer stalling = StallingHttpServer.answering(200);
        OllamaClient client =
            new OllamaClient(
                new OllamaSettings(
                    stalling.baseUri(), Duration.ofSeconds(2), Duration.ofSeconds(1)))) {
      long start = System.nanoTime();

      assertThatThrownBy(client::tags)
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessageContaining("no whole answer within PT1S");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void deletingAnUnknownModelFailsWithItsStatusAndOllamasReason() {
    assertThatThrownBy(() -> ollama.delete("modelyard-no-such-model"))
        .isInstanceOfSatisfying(OllamaException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("not found");
  }

  private List<String> storedNames() throws Exception {
    return ollama.tags().stream().map(OllamaModel::name).toList();
  }

  private void deleteIfPresent(String name) throws Exception {
    if (storedNames().contains(name + ":latest")) {
      ollama.delete(name);
    }
  }
}
