package dev.modelyard.api.maintenance;

import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.api.tasks.StartedTasks;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.maintenance.DiscoveryRequest;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflow;
import dev.modelyard.workflows.maintenance.MaintenanceWorkflowIds;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs a discovery now, besides the cron one: after copying GGUF files into the model store or
 * pulling a model with Ollama's own CLI, say. Each request is its own workflow.
 */
@RestController
class DiscoveryController {

  /** A discovery asks a few servers and reads file headers; one that takes longer is stuck. */
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private final WorkflowClient client;
  private final StartedTasks started;

  DiscoveryController(WorkflowClient client, StartedTasks started) {
    this.client = client;
    this.started = started;
  }

  @PostMapping("/api/v1/local-llm/models/discover")
  @ResponseStatus(HttpStatus.ACCEPTED)
  DiscoveryAccepted discover() {
    String id = MaintenanceWorkflowIds.discoverNow(UUID.randomUUID().toString());
    DiscoveryWorkflow workflow =
        client.newWorkflowStub(
            DiscoveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.MAINTENANCE)
                .setWorkflowExecutionTimeout(TIMEOUT)
                .setStaticSummary("discover models")
                // Listed by GET /tasks/active, as every task the API starts.
                .setTypedSearchAttributes(ModelyardSearchAttributes.of("discover"))
                .build());
    try {
      WorkflowClient.start(workflow::discover, new DiscoveryRequest("api"));
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException("cannot start workflow " + id + ": " + e.getMessage(), e);
    }
    started.add(id);
    return new DiscoveryAccepted(id, WorkflowIds.operation(id), "/api/v1/local-llm/tasks/" + id);
  }

  /** Poll {@code status_url}; the result counts models added, updated and unchanged. */
  record DiscoveryAccepted(String taskId, String operation, String statusUrl) {}
}
