package dev.modelyard.api.containers;

import dev.modelyard.api.errors.ConflictException;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.api.tasks.StartedTasks;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.containers.ContainerHostActivities;
import dev.modelyard.workflows.containers.ContainerListing;
import dev.modelyard.workflows.containers.ContainerListing.HostUnreachable;
import dev.modelyard.workflows.containers.ContainerLogs;
import dev.modelyard.workflows.containers.ContainerLogsRequest;
import dev.modelyard.workflows.containers.ContainerLogsWorkflow;
import dev.modelyard.workflows.containers.ContainerView;
import dev.modelyard.workflows.containers.ContainerWorkflowIds;
import dev.modelyard.workflows.containers.ListContainersRequest;
import dev.modelyard.workflows.containers.ListContainersWorkflow;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.deployments.StopInstanceRequest;
import dev.modelyard.workflows.deployments.StopInstanceWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.RegisteredModel;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The containers API's side of Temporal. The API process never talks to Docker: every question goes
 * to the hosts' workers through a short workflow, and a container is found by asking them.
 */
@Service
class Containers {

  /** A full ID, a prefix of at least 12 hex digits (as {@code docker ps} shows), or a name. */
  private static final Pattern CONTAINER_ID =
      Pattern.compile("[0-9a-f]{12,64}|[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

  private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{12,64}");

  /** Less than this left for a container's logs once it is found: not worth asking. */
  private static final Duration LEAST_LOGS_ANSWER = Duration.ofSeconds(1);

  private final WorkflowClient client;
  private final ModelRegistry registry;
  private final StartedTasks started;

  /** A caller waits this long at most for the hosts to answer. */
  private final Duration answerTimeout;

  Containers(
      WorkflowClient client,
      ModelRegistry registry,
      StartedTasks started,
      ContainersSettings settings) {
    this.client = client;
    this.registry = registry;
    this.started = started;
    this.answerTimeout = settings.answerTimeout();
  }

  ContainerListing list() {
    return list(answerTimeout);
  }

  private ContainerListing list(Duration within) {
    List<String> hosts =
        registry.hostIds().stream()
            .filter(host -> !RegisterEndpointWorkflow.EXTERNAL_HOST.equals(host))
            .toList();
    String id = ContainerWorkflowIds.list(UUID.randomUUID().toString());
    ListContainersWorkflow workflow =
        client.newWorkflowStub(ListContainersWorkflow.class, shortLived(id, within));
    return ask(
        () -> workflow.list(new ListContainersRequest(hosts, hostAnswer(within))),
        "list containers");
  }

  /**
   * The container is found first (a listing of every host), then its host is asked for the logs:
   * both within one answer timeout, so that a caller never waits longer than it says.
   */
  ContainerLogs logs(String containerId, int tail) {
    long started = System.nanoTime();
    ContainerView container = find(containerId, answerTimeout.multipliedBy(2).dividedBy(3));
    Duration left = answerTimeout.minusNanos(System.nanoTime() - started);
    Duration least = min(LEAST_LOGS_ANSWER, answerTimeout.dividedBy(4));
    if (left.compareTo(least) < 0) {
      throw new UnavailableException(
          "cannot read the logs of "
              + containerId
              + ": finding it took the hosts "
              + answerTimeout.minus(left).toMillis()
              + " ms of the "
              + answerTimeout.toMillis()
              + " ms a caller waits (MODELYARD_CONTAINERS_ANSWER_TIMEOUT)",
          null);
    }
    String id = ContainerWorkflowIds.logs(UUID.randomUUID().toString());
    ContainerLogsWorkflow workflow =
        client.newWorkflowStub(ContainerLogsWorkflow.class, shortLived(id, left));
    return ask(
        () ->
            workflow.logs(
                new ContainerLogsRequest(
                    container.hostId(), container.containerId(), tail, hostAnswer(left))),
        "read the logs of " + containerId);
  }

  /**
   * Refuses at once a model whose host cannot run it in a container: its runtime runs instances in
   * process (a load would start one, but no container), or cannot run the model's server (a {@code
   * local_ollama} model on a runtime without an Ollama image). A model not registered under exactly
   * that name is a 404, as for a load; a host whose worker has not said what it runs is left to the
   * load to judge.
   */
  void refuseWhatItsHostCannotRun(ModelRef model) {
    Optional<RegisteredModel> registered = registry.findModel(model);
    if (registered.isEmpty()) {
      throw new NotFoundException(
          "model "
              + model
              + " is not registered; GET /api/v1/local-llm/models lists those that are");
    }
    if (!registered.get().startable()) {
      return;
    }
    String hostId = registered.get().hostId();
    ModelServer server = ModelServer.of(model.provider());
    Set<ModelServer> runs = registry.modelServers(hostId);
    if (!runs.isEmpty() && !runs.contains(server)) {
      String image =
          switch (server) {
            case OLLAMA -> "the Ollama image (MODELYARD_DOCKER_RUNTIME_OLLAMA_IMAGE)";
            case TGI -> "the TGI image (MODELYARD_DOCKER_RUNTIME_TGI_IMAGE)";
            case ENGINE_RUNNER -> "the engine-runner image";
          };
      throw new InvalidFieldException(
          "provider",
          model.provider().wireName()
              + " models run in "
              + image
              + ", and the model runtime of host "
              + hostId
              + " has none: its worker needs MODELYARD_RUNTIME=docker with that image set");
    }
    if (registry.runsContainers(hostId).equals(Optional.of(false))) {
      throw new ConflictException(
          "host "
              + hostId
              + " runs its instances without containers; load the model instead (POST"
              + " /api/v1/local-llm/models/load), or run that host's worker with"
              + " MODELYARD_RUNTIME=docker");
    }
  }

  /** Starts stopping the container's instance (stop, remove, release its memory); the task ID. */
  String delete(String containerId) {
    ContainerView container = find(containerId, answerTimeout);
    String id = WorkflowIds.stopInstance(container.instanceId());
    StopInstanceWorkflow workflow =
        client.newWorkflowStub(
            StopInstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setStaticSummary("stop instance " + container.instanceId())
                // Listed by GET /tasks/active, as every task the API starts.
                .setTypedSearchAttributes(ModelyardSearchAttributes.of("stop"))
                .build());
    try {
      WorkflowClient.start(
          workflow::stop, new StopInstanceRequest(container.instanceId(), container.hostId()));
    } catch (WorkflowException | StatusRuntimeException e) {
      throw new UnavailableException("cannot start workflow " + id + ": " + e.getMessage(), e);
    }
    started.add(id);
    return id;
  }

  /**
   * The one container that the ID, ID prefix or name names, on whichever host runs it, asking the
   * hosts for at most {@code within}.
   */
  private ContainerView find(String containerId, Duration within) {
    if (!CONTAINER_ID.matcher(containerId).matches()) {
      throw new InvalidFieldException(
          "container_id",
          "'" + containerId + "' is neither a container ID (12 to 64 hex digits) nor a name");
    }
    ContainerListing listing = list(within);
    List<ContainerView> matching =
        listing.containers().stream()
            .filter(
                c ->
                    // A prefix only of 12 or more hex digits: "3" is a name, never a prefix.
                    (ID_PREFIX.matcher(containerId).matches()
                            && c.containerId().startsWith(containerId))
                        || c.name().equals(containerId)
                        || c.name().equals("/" + containerId))
            .toList();
    if (matching.isEmpty() && !listing.unreachable().isEmpty()) {
      // It may well be on a host that did not answer: "not found" would be a guess.
      throw new UnavailableException(
          "no Modelyard container "
              + containerId
              + " on the hosts that answered; these did not, and it may be on one of them: "
              + listing.unreachable().stream()
                  .map(HostUnreachable::hostId)
                  .collect(Collectors.joining(", ")),
          null);
    }
    if (matching.isEmpty()) {
      throw new NotFoundException("no Modelyard container " + containerId + " on any host");
    }
    if (matching.size() > 1) {
      throw new InvalidFieldException(
          "container_id", "'" + containerId + "' names several containers; give more of its ID");
    }
    return matching.getFirst();
  }

  private <T> T ask(Supplier<T> call, String what) {
    try {
      return call.get();
    } catch (WorkflowException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ApplicationFailure failure
            && ContainerHostActivities.CONTAINER_NOT_FOUND.equals(failure.getType())) {
          throw new NotFoundException(failure.getOriginalMessage());
        }
      }
      throw new UnavailableException("cannot " + what + ": " + e.getMessage(), e);
    } catch (StatusRuntimeException e) {
      throw new UnavailableException("cannot " + what + ": Temporal is unavailable", e);
    }
  }

  /**
   * What each host is given: most of the workflow's time, the rest for the workflow itself, so that
   * a host whose Docker engine hangs is reported unreachable rather than the whole answer lost.
   */
  private static Duration hostAnswer(Duration workflowTimeout) {
    return workflowTimeout.multipliedBy(4).dividedBy(5);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static WorkflowOptions shortLived(String workflowId, Duration timeout) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.RUNTIME)
        .setWorkflowExecutionTimeout(timeout)
        .build();
  }
}
