package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaException;
import dev.modelyard.infra.providers.ollama.OllamaModel;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.OllamaActivities;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Ollama pull activity against the real test Ollama and its local registry. */
@Timeout(60)
class OllamaActivitiesTests {

  private final String registryModel = TestServices.get("OLLAMA_REGISTRY_MODEL");
  private final OllamaClient ollama =
      new OllamaClient(OllamaSettings.of(URI.create(TestServices.get("OLLAMA_HOST"))));
  private final List<TransferProgress> heartbeats = new CopyOnWriteArrayList<>();
  private TestActivityEnvironment env;

  @AfterEach
  void stop() throws Exception {
    if (env != null) {
      env.close();
    }
    // test-services.sh leaves the registry model deleted; so do we.
    deleteIfPresent(registryModel);
    ollama.close();
  }

  @Test
  void pullsFromALoopbackRegistryHeartbeatingLayerProgressAndReturnsWhatTagsLists()
      throws Exception {
    deleteIfPresent(registryModel);

    ModelFileFacts facts = activities(ollama).pullOllamaModel(registryModel);

    OllamaModel listed =
        ollama.tags().stream()
            .filter(m -> m.name().equals(registryModel + ":latest"))
            .findFirst()
            .orElseThrow();
    assertThat(facts.path()).isEqualTo(listed.name());
    assertThat(facts.sizeBytes()).isEqualTo(listed.size());
    assertThat(facts.sha256()).isEqualTo(listed.digest()).matches("[0-9a-f]{64}");
    assertThat(facts.format()).isEqualTo("ollama");
    assertThat(facts.architecture()).isEqualTo("llama");
    assertThat(facts.parameterCount()).isPositive();
    assertThat(facts.quantisation()).isEqualTo(listed.details().quantizationLevel());
    assertThat(heartbeats).isNotEmpty().allSatisfy(h -> assertThat(h.bytesTotal()).isPositive());
  }

  @Test
  void aModelTheRegistryDoesNotHaveIsRefusedForGood() {
    String unknown = "127.0.0.1:5000/library/no-such-model-" + System.nanoTime();

    assertThatThrownBy(() -> activities(ollama).pullOllamaModel(unknown))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(OllamaActivities.PULL_REJECTED);
              assertThat(f.isNonRetryable()).isTrue();
            });
  }

  @Test
  void aHostWithoutOllamaHostFailsForGoodNamingTheVariable() {
    assertThatThrownBy(() -> activities(null).pullOllamaModel(registryModel))
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(OllamaActivities.OLLAMA_NOT_CONFIGURED);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage()).contains("OLLAMA_HOST").contains("host-a");
            });
  }

  @Test
  void failuresOllamaReportsMidStreamThatWouldRecurAreFinalAndAnOutageIsRetried() {
    for (String error :
        List.of(
            "pull model manifest: 412: The model you are attempting to pull requires a newer"
                + " version of Ollama",
            "write /models/blobs/sha256-partial: no space left on device",
            "pull model manifest: file does not exist")) {
      RuntimeException failure =
          OllamaActivitiesImpl.classified(
              "llama3", new OllamaException(200, "pulling llama3 failed: " + error));
      assertThat(failure)
          .as(error)
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.isNonRetryable()).isTrue();
                assertThat(f.getOriginalMessage()).contains(error);
              });
    }
    for (String error :
        List.of(
            "dial tcp: i/o timeout",
            "pull model manifest: 429: too many requests",
            "pull model manifest: 408: request timeout")) {
      RuntimeException passing =
          OllamaActivitiesImpl.classified(
              "llama3", new OllamaException(200, "pulling llama3 failed: " + error));
      assertThat(passing instanceof ApplicationFailure f && f.isNonRetryable()).as(error).isFalse();
    }
  }

  private OllamaActivities activities(OllamaClient client) {
    env = TestActivityEnvironment.newInstance();
    // The activity closes its client at shutdown; this test closes the shared one itself.
    env.registerActivitiesImplementations(new OllamaActivitiesImpl(client, "host-a"));
    env.setActivityHeartbeatListener(TransferProgress.class, heartbeats::add);
    return env.newActivityStub(
        OllamaActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setHeartbeatTimeout(Duration.ofSeconds(10))
            .build());
  }

  private void deleteIfPresent(String name) throws Exception {
    if (ollama.tags().stream().anyMatch(m -> m.name().equals(name + ":latest"))) {
      ollama.delete(name);
    }
  }
}
