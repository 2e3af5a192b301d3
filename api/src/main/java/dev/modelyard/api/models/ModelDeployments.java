package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.api.tasks.DeadlineQueries;
import dev.modelyard.api.tasks.StartedTasks;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.deployments.AutoscalingAccepted;
import dev.modelyard.workflows.deployments.AutoscalingRequest;
import dev.modelyard.workflows.deployments.DeploymentInput;
import dev.modelyard.workflows.deployments.DeploymentState;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import dev.modelyard.workflows.deployments.ScaleAccepted;
import dev.modelyard.workflows.deployments.ScaleRequest;
import dev.modelyard.workflows.models.ModelRef;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.stereotype.Service;

/**
 * Talks to the deployment workflows: one per model, created by its first scale (update-with-start)
 * and asked for its desired count by query.
 */
@Service
class ModelDeployments {

  /** How long a request waits for a deployment to take an update (see {@link #answered}). */
  static final Duration UPDATE_DEADLINE = Duration.ofSeconds(10);

  private static final ExecutorService UPDATES = Executors.newVirtualThreadPerTaskExecutor();

  private final WorkflowClient client;
  private final StartedTasks started;

  ModelDeployments(WorkflowClient client, StartedTasks started) {
    this.client = client;
    this.started = started;
  }

  String taskId(ModelRef model) {
    return WorkflowIds.deployment(model);
  }

  /** Sets the desired count, starting the model's deployment if it has none; returns the count. */
  int scale(ModelRef model, int desiredInstances) {
    String id = taskId(model);
    DeploymentInput input = DeploymentInput.of(model);
    DeploymentWorkflow workflow =
        client.newWorkflowStub(
            DeploymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.RUNTIME)
                // Update-with-start requires a conflict policy: every scale meets the one
                // deployment.
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(ModelyardSearchAttributes.of("deployment", model))
                .setStaticSummary("deployment " + model)
                .build());
    try {
      int accepted =
          answered(
                  id,
                  () ->
                      WorkflowClient.executeUpdateWithStart(
                          workflow::scale,
                          new ScaleRequest(desiredInstances),
                          UpdateOptions.<ScaleAccepted>newBuilder().build(),
                          new WithStartWorkflowOperation<>(workflow::run, input)))
              .desiredInstances();
      started.add(id);
      return accepted;
    } catch (WorkflowUpdateException e) {
      throw rejected(e, id);
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException("cannot scale " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sets a running deployment's count to zero, so that it does not bring back what an unload stops;
   * a model without a deployment is left alone.
   */
  void scaleToZeroIfDeployed(ModelRef model) {
    if (state(model).isEmpty()) {
      return;
    }
    try {
      DeploymentWorkflow deployment =
          client.newWorkflowStub(DeploymentWorkflow.class, taskId(model));
      answered(taskId(model), () -> deployment.scale(new ScaleRequest(0)));
    } catch (WorkflowNotFoundException e) {
      // It ended between the two calls: nothing left to keep instances up.
    } catch (WorkflowException | StatusRuntimeException e) {
      throw new UnavailableException("cannot scale " + taskId(model) + " to zero", e);
    }
  }

  /** How long a status waits for a deployment's answer: a worker may be away. */
  static final Duration STATE_QUERY_DEADLINE = Duration.ofSeconds(2);

  /**
   * The deployment's own view, or empty when the model has no running deployment.
   *
   * @throws UnavailableException when it runs but does not answer within {@link
   *     #STATE_QUERY_DEADLINE} (no worker polls its queue, or its workflow task keeps failing)
   */
  Optional<DeploymentState> state(ModelRef model) {
    String id = taskId(model);
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    try {
      if (stub.describe().getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return Optional.empty();
      }
      return Optional.of(
          DeadlineQueries.query(client, id, "state", DeploymentState.class, STATE_QUERY_DEADLINE));
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    } catch (WorkflowException | StatusRuntimeException | DataConverterException e) {
      throw new UnavailableException(
          "deployment "
              + id
              + " did not answer within "
              + STATE_QUERY_DEADLINE
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Sets the model's autoscaling policy, starting its deployment if it has none; a null policy
   * turns autoscaling off (a model without a deployment then has nothing to turn off).
   */
  AutoscalingAccepted autoscale(ModelRef model, AutoscalingPolicy policy) {
    String id = taskId(model);
    try {
      if (policy == null) {
        if (state(model).isEmpty()) {
          return new AutoscalingAccepted(null, 0);
        }
        DeploymentWorkflow deployment = client.newWorkflowStub(DeploymentWorkflow.class, id);
        return answered(id, () -> deployment.autoscale(new AutoscalingRequest(null)));
      }
      DeploymentWorkflow workflow =
          client.newWorkflowStub(
              DeploymentWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(TaskQueues.RUNTIME)
                  .setWorkflowIdConflictPolicy(
                      WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .setTypedSearchAttributes(ModelyardSearchAttributes.of("deployment", model))
                  .setStaticSummary("deployment " + model)
                  .build());
      AutoscalingAccepted accepted =
          answered(
              id,
              () ->
                  WorkflowClient.executeUpdateWithStart(
                      workflow::autoscale,
                      new AutoscalingRequest(policy),
                      UpdateOptions.<AutoscalingAccepted>newBuilder().build(),
                      new WithStartWorkflowOperation<>(workflow::run, DeploymentInput.of(model))));
      started.add(id);
      return accepted;
    } catch (WorkflowUpdateException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof ApplicationFailure failure
          && IllegalArgumentException.class.getName().equals(failure.getType())) {
        throw new InvalidFieldException("max_replicas", failure.getOriginalMessage());
      }
      throw new UnavailableException("deployment " + id + " did not accept the policy", e);
    } catch (WorkflowNotFoundException e) {
      // It ended between the two calls: nothing is autoscaled any more.
      return new AutoscalingAccepted(null, 0);
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException("cannot set autoscaling of " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * An update's answer within {@link #UPDATE_DEADLINE}. Temporal holds an update until a worker of
   * the runtime queue takes it, and with none polling (or a deployment stuck) the request would
   * wait for ever; past the deadline the caller gets a 503 that says the change may still apply
   * later. What the update threw is rethrown as it was, for the caller's own handling.
   */
  private static <T> T answered(String id, Supplier<T> update) {
    Future<T> call = UPDATES.submit(update::get);
    try {
      return call.get(UPDATE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new UnavailableException(
          "deployment "
              + id
              + " did not answer within "
              + UPDATE_DEADLINE.toSeconds()
              + " s: no worker polls the runtime queue, or it is busy; the change may still apply"
              + " once one does",
          e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new UnavailableException("deployment " + id + " failed to answer", e.getCause());
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while asking deployment " + id, e);
    }
  }

  /** A count the workflow's validator refused is the caller's mistake; anything else is ours. */
  private static RuntimeException rejected(WorkflowUpdateException e, String id) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure failure
        && IllegalArgumentException.class.getName().equals(failure.getType())) {
      return new InvalidFieldException("desired_instances", failure.getOriginalMessage());
    }
    return new UnavailableException("deployment " + id + " did not accept the scale", e);
  }
}
