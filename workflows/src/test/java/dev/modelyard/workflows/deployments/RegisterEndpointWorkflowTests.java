package dev.modelyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server registered by its URL: one instance per URL, however often it is registered. */
class RegisterEndpointWorkflowTests {

  private static final ModelRef VLLM = new ModelRef(Provider.OPENAI_COMPATIBLE, "served");
  private static final String A = "http://10.0.0.7:8000";
  private static final String B = "http://10.0.0.8:8000";

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry("host-a");
    var runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(RegisterEndpointWorkflowImpl.class);
    EndpointActivities answering = (baseUrl, modelName) -> {};
    runtime.registerActivitiesImplementations(registry, answering);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void registeringAUrlAgainFindsItsInstanceWhereverItIsInTheList() {
    LoadModelResult first = register(A);
    LoadModelResult second = register(B);

    LoadModelResult again = register(B);

    assertThat(again.alreadyLoaded()).isTrue();
    assertThat(again.instanceId()).isEqualTo(second.instanceId());
    assertThat(activeEndpoints()).containsExactlyInAnyOrder(A, B);
    assertThat(first.instanceId()).isNotEqualTo(second.instanceId());
  }

  @Test
  void registeringAnUnhealthyUrlAgainMakesItReadyRatherThanAddingItBesideItself() {
    LoadModelResult registered = register(A);
    registry.instanceStates.put(registered.instanceId(), "unhealthy");

    LoadModelResult again = register(A);

    assertThat(again.instanceId()).isEqualTo(registered.instanceId());
    assertThat(registry.instanceStates).containsEntry(registered.instanceId(), "ready");
    assertThat(activeEndpoints()).containsExactly(A);
  }

  private List<String> activeEndpoints() {
    return registry.findActiveInstances(registry.findModel(VLLM).modelId()).stream()
        .map(InstanceView::endpoint)
        .toList();
  }

  private LoadModelResult register(String baseUrl) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            RegisterEndpointWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.register(VLLM))
                .setTaskQueue(TaskQueues.RUNTIME)
                .build())
        .register(new RegisterEndpointRequest(VLLM, baseUrl));
  }
}
