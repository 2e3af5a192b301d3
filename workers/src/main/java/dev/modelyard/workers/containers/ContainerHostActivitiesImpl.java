package dev.modelyard.workers.containers;

import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSummary;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.runtime.DockerRuntime;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.workflows.containers.ContainerHostActivities;
import dev.modelyard.workflows.containers.ContainerLogs;
import dev.modelyard.workflows.containers.ContainerLogsRequest;
import dev.modelyard.workflows.containers.ContainerView;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Answers for this host's Docker runtime; a host on another runtime has no containers. */
public class ContainerHostActivitiesImpl implements ContainerHostActivities {

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
    return docker.containers().stream().map(this::view).toList();
  }

  @Override
  public ContainerLogs containerLogs(ContainerLogsRequest request) {
    if (!(runtime instanceof DockerRuntime docker)) {
      throw notFound(request.containerId());
    }
    try {
      String output =
          docker
              .containerLogs(request.containerId(), request.tail())
              .orElseThrow(() -> notFound(request.containerId()));
      List<String> lines = output.lines().toList();
      // Docker's tail counts lines per stream; interleaved, there may be up to twice as many.
      return new ContainerLogs(
          request.containerId(),
          hostId,
          lastFitting(lines.subList(Math.max(0, lines.size() - request.tail()), lines.size())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while reading the logs of " + request.containerId(), "Interrupted");
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
