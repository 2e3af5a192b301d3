package dev.modelyard.workers.containers;

import dev.modelyard.infra.calls.CallWithin;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSummary;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.runtime.DockerRuntime;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.workflows.containers.ContainerHostActivities;
import dev.modelyard.workflows.containers.ContainerLogs;
import dev.modelyard.workflows.containers.ContainerLogsRequest;
import dev.modelyard.workflows.containers.ContainerView;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Answers for this host's Docker runtime; a host on another runtime has no containers. */
public class ContainerHostActivitiesImpl implements ContainerHostActivities {

  /** The type of the failure when the engine did not answer within the attempt. */
  static final String ENGINE_SILENT = "DockerEngineSilent";

  private final ModelRuntime runtime;
  private final String hostId;
  private final InstanceNetwork network;

  public ContainerHostActivitiesImpl(ModelRuntime runtime, String hostId) {
    this(runtime, hostId, InstanceNetwork.LOOPBACK);
  }

  /** {@code network} is where the runtime's containers listen, to show their URLs. */
  public ContainerHostActivitiesImpl(ModelRuntime runtime, String hostId, InstanceNetwork network) {
    this.runtime = runtime;
    this.hostId = hostId;
    this.network = network;
  }

  @Override
  public List<ContainerView> listContainers() {
    if (!(runtime instanceof DockerRuntime docker)) {
      return List.of();
    }
    return withinAttempt("list its containers", docker::containers).stream()
        .map(this::view)
        .toList();
  }

  @Override
  public ContainerLogs containerLogs(ContainerLogsRequest request) {
    if (!(runtime instanceof DockerRuntime docker)) {
      throw notFound(request.containerId());
    }
    String output =
        withinAttempt(
                "read the logs of " + request.containerId(),
                () -> docker.containerLogs(request.containerId(), request.tail()))
            .orElseThrow(() -> notFound(request.containerId()));
    List<String> lines = output.lines().toList();
    // Docker's tail counts lines per stream; interleaved, there may be up to twice as many.
    return new ContainerLogs(
        request.containerId(),
        hostId,
        lastFitting(lines.subList(Math.max(0, lines.size() - request.tail()), lines.size())));
  }

  /**
   * The engine's answer within most of this attempt's time. A Docker engine that hangs is waited on
   * for up to its client's response timeout (minutes); without this the attempt, given up by
   * Temporal long before, would hold one of this host's pool slots, which its loads need, for all
   * that time. The call goes on in a virtual thread of its own until the client gives up.
   */
  private <T> T withinAttempt(String what, Callable<T> call) {
    Duration limit =
        Activity.getExecutionContext()
            .getInfo()
            .getStartToCloseTimeout()
            .multipliedBy(9)
            .dividedBy(10);
    try {
      return CallWithin.call("docker-" + hostId, limit, call);
    } catch (TimeoutException e) {
      throw ApplicationFailure.newFailure(
          "the Docker engine of host " + hostId + " did not answer within " + limit + " to " + what,
          ENGINE_SILENT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while asked to " + what, "Interrupted");
    } catch (ExecutionException e) {
      throw switch (e.getCause()) {
        case RuntimeException runtime -> runtime;
        case null, default ->
            ApplicationFailure.newFailureWithCause(
                "could not " + what + " on host " + hostId, "DockerFailed", e.getCause());
      };
    }
  }

  /**
   * The last lines that fit in {@link #MOST_LOG_BYTES}, after a line saying how many were left out:
   * an activity's result must fit Temporal's payload limit (2 MB), or a chatty server's logs would
   * be a 503 rather than its latest lines.
   */
  static List<String> lastFitting(List<String> lines) {
    long bytes = 0;
    int from = lines.size();
    while (from > 0) {
      long line = lines.get(from - 1).getBytes(StandardCharsets.UTF_8).length + 1L;
      if (bytes + line > MOST_LOG_BYTES) {
        break;
      }
      bytes += line;
      from--;
    }
    if (from == 0) {
      return lines;
    }
    List<String> kept = new ArrayList<>(lines.size() - from + 1);
    kept.add("[" + from + " earlier line(s) left out: the logs answer at most 1 MiB]");
    kept.addAll(lines.subList(from, lines.size()));
    return kept;
  }

  static final long MOST_LOG_BYTES = 1L << 20;

  private ContainerView view(ContainerSummary container) {
    Map<String, String> labels = container.labels();
    String port = labels.get(ContainerLabels.PORT);
    return new ContainerView(
        container.id(),
        container.name(),
        hostId,
        labels.get(ContainerLabels.INSTANCE),
        labels.get(ContainerLabels.MODEL),
        labels.get(ContainerLabels.DEPLOYMENT),
        container.image(),
        container.state(),
        port == null || !port.matches("\\d{1,5}")
            ? null
            : network.endpoint(Integer.parseInt(port)).toString());
  }

  private ApplicationFailure notFound(String containerId) {
    return ApplicationFailure.newNonRetryableFailure(
        "host " + hostId + " has no container " + containerId, CONTAINER_NOT_FOUND);
  }
}
