package dev.modelyard.workflows.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PullModelWorkflowTests {

  private static final String HOST = "host-a";
  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  private final AtomicInteger inspections = new AtomicInteger();
  private volatile int transientFailures;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    Worker pulls = env.newWorker(TaskQueues.PULLS);
    pulls.registerWorkflowImplementationTypes(PullModelWorkflowImpl.class);
    pulls.registerActivitiesImplementations(registry);
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(new FakeFiles());
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void registersALocalFileOnTheChosenHost() {
    PullModelResult result = pull(new PullModelRequest(TINY, "/models/tiny.gguf", 5, null));

    assertThat(result.hostId()).isEqualTo(HOST);
    assertThat(result.sizeBytes()).isEqualTo(1234);
    assertThat(registry.models.get(TINY).location()).isEqualTo("/models/tiny.gguf");
  }

  @Test
  void retriesAHostThatFailsForAWhile() {
    transientFailures = 2;

    pull(new PullModelRequest(TINY, "/models/tiny.gguf", 5, null));

    assertThat(inspections).hasValue(3);
    assertThat(registry.models).containsKey(TINY);
  }

  @Test
  void anInvalidFileFailsAtOnceAndRegistersNothing() {
    assertThatThrownBy(() -> pull(new PullModelRequest(TINY, "/not/a/model", 5, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("not a GGUF file");
    assertThat(inspections).hasValue(1);
    assertThat(registry.models).isEmpty();
  }

  @Test
  void anUnsupportedProviderFailsWithoutTouchingAHost() {
    ModelRef tgi = new ModelRef(Provider.HF_LOCAL, "some-model");

    assertThatThrownBy(() -> pull(new PullModelRequest(tgi, null, 5, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("not supported");
    assertThat(inspections).hasValue(0);
  }

  private PullModelResult pull(PullModelRequest request) {
    PullModelWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                PullModelWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.pull(request.model()))
                    .setTaskQueue(TaskQueues.PULLS)
                    .build());
    return workflow.pull(request);
  }

  private class FakeFiles implements ModelFileActivities {
    @Override
    public ModelFileFacts inspectLocalFile(String path) {
      inspections.incrementAndGet();
      if (path.startsWith("/not")) {
        throw ApplicationFailure.newNonRetryableFailure(
            path + " is not a GGUF file", INVALID_MODEL_FILE);
      }
      if (transientFailures-- > 0) {
        throw new IllegalStateException("disk busy");
      }
      return new ModelFileFacts(path, 1234, "abc", "gguf", "llama", 1000, "F16", 4096);
    }
  }
}
