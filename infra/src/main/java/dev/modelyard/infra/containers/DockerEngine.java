package dev.modelyard.infra.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs containers on one Docker engine. Every container it starts carries {@link
 * ContainerLabels#MANAGED}, so Modelyard can tell its containers from everybody else's.
 *
 * <p>Calls are safe to repeat, as retried activities do: stopping or removing a container that is
 * already stopped or gone succeeds. The engine's other refusals surface as docker-java's unchecked
 * {@code DockerException}s (e.g. {@code ConflictException} for a name in use).
 */
public final class DockerEngine implements AutoCloseable {

  private final DockerClient docker;
  private final Duration responseTimeout;

  public DockerEngine(DockerEngineSettings settings) {
    // The default builder also reads ~/.docker/config.json, so registry logins work as for the CLI.
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(settings.host().toString())
            .withDockerTlsVerify(false)
            .build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectionTimeout(settings.connectTimeout())
            .responseTimeout(settings.responseTimeout())
            .build();
    this.docker = DockerClientImpl.getInstance(config, http);
    this.responseTimeout = settings.responseTimeout();
  }

  /** Pulls {@code image} (untagged means {@code latest}), reporting each progress message. */
  public void pull(String image, Consumer<ImagePullProgress> progress, Duration timeout)
      throws InterruptedException, TimeoutException {
    ImageReference reference = ImageReference.parse(image);
    PullImageResultCallback callback =
        new PullImageResultCallback() {
          @Override
          public void onNext(PullResponseItem item) {
            super.onNext(item);
            progress.accept(toProgress(item));
          }
        };
    docker.pullImageCmd(reference.repository()).withTag(reference.tag()).exec(callback);
    // awaitCompletion throws the engine's error when the pull failed.
    if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("pulling " + image + " took longer than " + timeout);
    }
  }

  /** Creates and starts a container; returns its id. A container that fails to start is removed. */
  public String start(ContainerSpec spec) {
    String id = create(spec);
    try {
      docker.startContainerCmd(id).exec();
    } catch (RuntimeException startFailure) {
      // Left behind, the created container would hold its name and make every retry conflict.
      try {
        remove(id);
      } catch (RuntimeException removeFailure) {
        startFailure.addSuppressed(removeFailure);
      }
      throw startFailure;
    }
    return id;
  }

  /**
   * Creates a container without starting it; returns its id. The engine checks at start what it
   * cannot provide (a GPU without NVIDIA's runtime), so a created container shows what {@link
   * #start} asks for on any engine.
   */
  public String create(ContainerSpec spec) {
    Map<String, String> labels = new HashMap<>(spec.labels());
    labels.put(ContainerLabels.MANAGED, "true");
    var create =
        docker
            .createContainerCmd(spec.image())
            .withName(spec.name())
            .withEnv(
                spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
            .withLabels(labels)
            .withHostConfig(hostConfig(spec));
    if (!spec.command().isEmpty()) {
      create.withCmd(spec.command());
    }
    if (spec.healthCheck() != null) {
      create.withHealthcheck(healthCheck(spec.healthCheck()));
    }
    return create.exec().getId();
  }

  /** Limits, network, mounts and GPU requests: the engine-side half of a container's settings. */
  static HostConfig hostConfig(ContainerSpec spec) {
    HostConfig hostConfig = HostConfig.newHostConfig();
    if (spec.memoryLimitBytes() > 0) {
      hostConfig.withMemory(spec.memoryLimitBytes());
    }
    if (spec.nanoCpus() > 0) {
      hostConfig.withNanoCPUs(spec.nanoCpus());
    }
    if (spec.hostNetwork()) {
      hostConfig.withNetworkMode("host");
    }
    if (!spec.mounts().isEmpty()) {
      hostConfig.withBinds(
          spec.mounts().stream()
              .map(
                  m ->
                      new Bind(
                          m.source().toString(),
                          new Volume(m.target()),
                          m.readOnly() ? AccessMode.ro : AccessMode.rw))
              .toList());
    }
    if (!spec.gpuDeviceIds().isEmpty()) {
      // What `docker run --gpus device=0,1` sends: NVIDIA's container toolkit picks it up.
      hostConfig.withDeviceRequests(
          List.of(
              new DeviceRequest()
                  .withDriver("")
                  .withDeviceIds(spec.gpuDeviceIds())
                  .withCapabilities(List.of(List.of("gpu")))));
    }
    return hostConfig;
  }

  static HealthCheck healthCheck(ContainerHealthCheck check) {
    List<String> test = new ArrayList<>();
    test.add("CMD");
    test.addAll(check.command());
    return new HealthCheck()
        .withTest(test)
        .withInterval(check.interval().toNanos())
        .withTimeout(check.timeout().toNanos())
        .withRetries(check.retries())
        .withStartPeriod(check.startPeriod().toNanos());
  }

  /** Stops a container at once (SIGKILL), leaving it in place as a crash would. */
  public void kill(String idOrName) {
    try {
      docker.killContainerCmd(idOrName).exec();
    } catch (NotFoundException | ConflictException goneOrNotRunning) {
      // Killing is the goal; a container that is gone or stopped already meets it.
    }
  }

  /** The container's current state and settings, or empty when there is no such container. */
  public Optional<ContainerInfo> inspect(String idOrName) {
    try {
      return Optional.of(toInfo(docker.inspectContainerCmd(idOrName).exec()));
    } catch (NotFoundException absent) {
      return Optional.empty();
    }
  }

  /** The last {@code lines} lines of the container's stdout and stderr, interleaved as written. */
  public String logs(String idOrName, int lines, Duration timeout)
      throws InterruptedException, TimeoutException {
    if (lines <= 0) {
      throw new IllegalArgumentException("lines must be positive, was " + lines);
    }
    LogCollector collector =
        docker
            .logContainerCmd(idOrName)
            .withStdOut(true)
            .withStdErr(true)
            .withTail(lines)
            .withFollowStream(false)
            .exec(new LogCollector());
    if (!collector.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("reading logs of " + idOrName + " took longer than " + timeout);
    }
    return collector.text();
  }

  /**
   * Waits until the container exits and returns its exit code, or empty when it still runs after
   * {@code timeout}. The timeout may not exceed the settings' response timeout, which would cut the
   * wait short with a read error instead.
   */
  public OptionalInt waitForExit(String idOrName, Duration timeout) throws InterruptedException {
    if (timeout.compareTo(responseTimeout) > 0) {
      throw new IllegalArgumentException(
          "timeout "
              + timeout
              + " exceeds the engine's response timeout "
              + responseTimeout
              + "; wait in shorter steps");
    }
    WaitContainerResultCallback callback =
        docker.waitContainerCmd(idOrName).exec(new WaitContainerResultCallback());
    if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(callback.awaitStatusCode());
  }

  /**
   * Stops the container (SIGTERM, then SIGKILL after {@code gracePeriod}) and removes it with its
   * anonymous volumes. Succeeds when it is already stopped or gone.
   */
  public void stopAndRemove(String idOrName, Duration gracePeriod) {
    try {
      docker
          .stopContainerCmd(idOrName)
          .withTimeout(Math.toIntExact(gracePeriod.toSeconds()))
          .exec();
    } catch (NotModifiedException alreadyStopped) {
      // Nothing to stop; removal below still applies.
    } catch (NotFoundException alreadyGone) {
      return;
    }
    remove(idOrName);
  }

  /**
   * Containers, running or not, that carry all the given labels with the given values.
   *
   * @param labels label names and the values they must have
   */
  public List<ContainerSummary> listByLabels(Map<String, String> labels) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
        .map(DockerEngine::toSummary)
        .toList();
  }

  @Override
  public void close() throws IOException {
    docker.close();
  }

  private void remove(String idOrName) {
    try {
      docker.removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException alreadyGone) {
      // Removing is the goal; a container that is gone already meets it.
    }
  }

  private static ImagePullProgress toProgress(PullResponseItem item) {
    var detail = item.getProgressDetail();
    return new ImagePullProgress(
        Objects.requireNonNullElse(item.getStatus(), ""),
        Objects.requireNonNullElse(item.getId(), ""),
        detail == null || detail.getCurrent() == null ? 0 : detail.getCurrent(),
        detail == null || detail.getTotal() == null ? 0 : detail.getTotal());
  }

  private static ContainerInfo toInfo(InspectContainerResponse response) {
    var state = response.getState();
    var config = response.getConfig();
    var host = response.getHostConfig();
    return new ContainerInfo(
        response.getId(),
        withoutSlash(response.getName()),
        config.getImage(),
        config.getCmd() == null ? List.of() : Arrays.asList(config.getCmd()),
        Objects.requireNonNullElse(config.getLabels(), Map.of()),
        new ContainerState(
            Objects.requireNonNullElse(state.getStatus(), ""),
            Boolean.TRUE.equals(state.getRunning()),
            state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue(),
            Boolean.TRUE.equals(state.getOOMKilled()),
            Objects.requireNonNullElse(state.getError(), ""),
            state.getHealth() == null
                ? ""
                : Objects.requireNonNullElse(state.getHealth().getStatus(), "")),
        host.getMemory() == null ? 0 : host.getMemory(),
        host.getNanoCPUs() == null ? 0 : host.getNanoCPUs(),
        Objects.requireNonNullElse(host.getNetworkMode(), ""),
        gpuDeviceIds(host.getDeviceRequests()));
  }

  /** The GPUs the device requests name, as {@code docker run --gpus device=…} sends them. */
  private static List<String> gpuDeviceIds(List<DeviceRequest> requests) {
    if (requests == null) {
      return List.of();
    }
    return requests.stream()
        .filter(r -> r.getCapabilities() != null)
        .filter(r -> r.getCapabilities().stream().anyMatch(c -> c.contains("gpu")))
        .flatMap(r -> r.getDeviceIds() == null ? Stream.empty() : r.getDeviceIds().stream())
        .toList();
  }

  private static ContainerSummary toSummary(Container container) {
    String[] names = container.getNames();
    return new ContainerSummary(
        container.getId(),
        names == null || names.length == 0 ? "" : withoutSlash(names[0]),
        container.getImage(),
        Objects.requireNonNullElse(container.getState(), ""),
        Objects.requireNonNullElse(container.getLabels(), Map.of()));
  }

  /** Docker reports names as {@code /name}, the form its API used before it had names alone. */
  private static String withoutSlash(String name) {
    return name != null && name.startsWith("/") ? name.substring(1) : Objects.toString(name, "");
  }

  /** Gathers log frames; stdout and stderr stay interleaved in the order the engine sent them. */
  private static final class LogCollector extends ResultCallback.Adapter<Frame> {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void onNext(Frame frame) {
      synchronized (bytes) {
        bytes.writeBytes(frame.getPayload());
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
