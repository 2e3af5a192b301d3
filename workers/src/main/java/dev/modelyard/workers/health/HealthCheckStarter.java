package dev.modelyard.workers.health;

import dev.modelyard.workers.pools.StartsWithTheWorker;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.health.HealthCheckRequest;
import dev.modelyard.workflows.health.HealthCheckWorkflow;
import dev.modelyard.workflows.health.HealthPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the deployment's health-check loop runs: starts it when it is not running, and
 * otherwise hands it this worker's policy (signal-with-start does both in one call, so two workers
 * starting together still meet in one loop).
 */
public class HealthCheckStarter extends StartsWithTheWorker {

  private static final Logger log = LoggerFactory.getLogger(HealthCheckStarter.class);

  private final WorkflowClient client;
  private final HealthSettings settings;
  private volatile WorkflowExecution execution;

  public HealthCheckStarter(WorkflowClient client, HealthSettings settings) {
    super("Health checks", settings.enabled(), settings.startRetry());
    this.client = client;
    this.settings = settings;
  }

  /** The loop's execution once this worker has started or joined it; null until then. */
  public WorkflowExecution execution() {
    return execution;
  }

  @Override
  protected void ensureRunning() {
    HealthPolicy policy = settings.policy();
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(settings.workflowId())
            .setTaskQueue(TaskQueues.HEALTH);
    if (settings.executionTimeout() != null) {
      options.setWorkflowExecutionTimeout(settings.executionTimeout());
    }
    HealthCheckWorkflow loop = client.newWorkflowStub(HealthCheckWorkflow.class, options.build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(loop::check, HealthCheckRequest.start(policy));
    request.add(loop::reconfigure, policy);
    execution = client.signalWithStart(request);
    log.info(
        "Health checks: workflow {} probes every {} (run {})",
        settings.workflowId(),
        policy.interval(),
        execution.getRunId());
  }
}
