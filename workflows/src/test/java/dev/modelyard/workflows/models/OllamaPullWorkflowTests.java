package dev.modelyard.workflows.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pull workflow's decisions for local_ollama models, with in-memory activities. */
class OllamaPullWorkflowTests {

  private static final String HOST = "host-a";
  private static final ModelRef MODEL = new ModelRef(Provider.LOCAL_OLLAMA, "llama3.2:1b");

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  private final List<String> pulled = new CopyOnWriteArrayList<>();
  private final List<String> queues = new CopyOnWriteArrayList<>();
  private volatile boolean configured = true;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    Worker pulls = env.newWorker(TaskQueues.PULLS);
    pulls.registerWorkflowImplementationTypes(PullModelWorkflowImpl.class);
    pulls.registerActivitiesImplementations(registry);
    env.newWorker(TaskQueues.transfers(HOST)).registerActivitiesImplementations(new FakeOllama());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void pullsIntoTheChosenHostsOllamaAndRegistersWhatItLists() {
    PullModelResult result = pull();

    assertThat(pulled).containsExactly("llama3.2:1b");
    assertThat(queues).containsExactly(TaskQueues.transfers(HOST));
    assertThat(result.hostId()).isEqualTo(HOST);
    assertThat(result.sha256()).isEqualTo("cd".repeat(32));
    RegisteredModel registered = registry.models.get(MODEL);
    assertThat(registered.location()).isEqualTo("llama3.2:1b");
    assertThat(registered.hostId()).isEqualTo(HOST);
  }

  @Test
  void aHostWithoutOllamaFailsAtOnceNamingTheVariable() {
    configured = false;

    assertThatThrownBy(this::pull)
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("OLLAMA_HOST");
    assertThat(pulled).isEmpty();
    assertThat(queues).hasSize(1);
    assertThat(registry.models).isEmpty();
  }

  private PullModelResult pull() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            PullModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.pull(MODEL))
                .setTaskQueue(TaskQueues.PULLS)
                .build())
        .pull(new PullModelRequest(MODEL, null, 5, null));
  }

  private class FakeOllama implements OllamaActivities {
    @Override
    public ModelFileFacts pullOllamaModel(String model) {
      queues.add(Activity.getExecutionContext().getInfo().getActivityTaskQueue());
      if (!configured) {
        throw ApplicationFailure.newNonRetryableFailure(
            "no Ollama server is configured on host host-a: set OLLAMA_HOST",
            OLLAMA_NOT_CONFIGURED);
      }
      pulled.add(model);
      return new ModelFileFacts(
          model, 1_300_000_000L, "cd".repeat(32), "ollama", "llama", 1_200_000_000L, "Q8_0", 0);
    }
  }
}
