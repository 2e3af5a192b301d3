package dev.modelyard.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchemaProperties;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelResult;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker application against the real Temporal dev server and the real PostgreSQL: a pull and a
 * load run as workflows on their queues and leave a model that answers a real generation.
 */
@SpringBootTest(classes = WorkersApplication.class)
class WorkersOnTemporalDevServerTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "workers_" + RUN;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add("modelyard.host-id", () -> "test-" + RUN);
    // The health loop has tests of its own, in a namespace of their own.
    properties.add("modelyard.health.enabled", () -> "false");
    properties.add("modelyard.maintenance.enabled", () -> "false");
  }

  @Autowired WorkflowClient client;
  @Autowired ModelRegistry registry;
  @Autowired PlacementLedger ledger;

  @Test
  void pullsAndLoadsALocalModelThatThenAnswersAGeneration() throws Exception {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "tiny-" + RUN);

    PullModelResult pulled =
        stub(PullModelWorkflow.class, WorkflowIds.pull(model), TaskQueues.PULLS)
            .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    LoadModelResult loaded =
        stub(LoadModelWorkflow.class, WorkflowIds.load(model), TaskQueues.RUNTIME)
            .load(new LoadModelRequest(model, null));

    assertThat(pulled.hostId()).isEqualTo("test-" + RUN);
    assertThat(pulled.sha256())
        .isEqualTo("81f226c62d28ed4a1a9b9fa080fcd9f0cc40e0f9d5680036583ff98fbcd035cb");
    ModelListing listed =
        registry.listModels().stream()
            .filter(m -> m.name().equals(model.name()))
            .findFirst()
            .orElseThrow();
    assertThat(listed.instances())
        .singleElement()
        .satisfies(i -> assertThat(i.state()).isEqualTo("ready"));
    ChatCompletionResponse answer =
        new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30))
            .chat(
                URI.create(loaded.endpoint()),
                new ChatCompletionRequest(
                    null, List.of(new ChatMessage("user", "Hello")), 4, 0.0, 1, false));
    assertThat(answer.usage().completionTokens()).isPositive();
    // The worker reported this host's memory at start, and the load reserved some of it.
    assertThat(ledger.reservationIds()).containsExactly(loaded.instanceId());
  }

  private <T> T stub(Class<T> type, String workflowId, String queue) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(queue)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }
}
