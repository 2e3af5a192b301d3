package dev.modelyard.workers.health;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.health.HealthCheckRequest;
import dev.modelyard.workflows.health.HealthCheckWorkflow;
import dev.modelyard.workflows.health.HealthPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Makes sure the deployment's health-check loop runs once this worker is up: starts it when it is
 * not running, and otherwise hands it this worker's policy (signal-with-start does both in one
 * call, so two workers starting together still meet in one loop). When Temporal cannot be reached
 * it logs and tries again later: a worker never fails to start for its health loop's sake.
 */
public class HealthCheckStarter implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HealthCheckStarter.class);

  private final WorkflowClient client;
  private final HealthSettings settings;
  private ScheduledExecutorService scheduler;
  private volatile boolean running;
  private volatile WorkflowExecution execution;

  public HealthCheckStarter(WorkflowClient client, HealthSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public void start() {
    running = true;
    if (!settings.enabled()) {
      log.info("Health checks: this worker does not start the loop (modelyard.health.enabled)");
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("health-check-starter").factory());
    scheduler.execute(this::ensureRunning);
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The loop's execution once this worker has started or joined it; null until then. */
  public WorkflowExecution execution() {
    return execution;
  }

  private void ensureRunning() {
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
    try {
      execution = client.signalWithStart(request);
      log.info(
          "Health checks: workflow {} probes every {} (run {})",
          settings.workflowId(),
          policy.interval(),
          execution.getRunId());
    } catch (RuntimeException e) {
      // Whatever went wrong (server down, namespace missing), the worker keeps running and asks
      // again; the failure is logged each time with its cause.
      log.warn(
          "Health checks: cannot start workflow {}, trying again in {}: {}",
          settings.workflowId(),
          settings.startRetry(),
          e.toString());
      if (!scheduler.isShutdown()) {
        scheduler.schedule(
            this::ensureRunning, settings.startRetry().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
