package dev.modelyard.infra.runtime;

import dev.modelyard.infra.containers.ContainerHealthCheck;
import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSpec;
import dev.modelyard.infra.containers.ContainerSummary;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.containers.ImagePullProgress;
import dev.modelyard.infra.engine.InstanceNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as a container on one Docker engine: the image of its server ({@link
 * ModelServer}: the engine runner with the model's folder mounted read-only, Ollama, or TGI) pulled
 * from its registry, on the host's network at a port this runtime chooses, with the instance's CPU,
 * memory and GPU limits and a Docker health check. Containers are labelled ({@link
 * ContainerLabels}) with model, instance, deployment, host and port, so that a restarted worker can
 * {@link #reconcile} them instead of starting duplicates.
 */
public final class DockerRuntime implements ModelRuntime {

  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int LOG_LINES_ON_FAILURE = 40;
  // How many free ports a start looks at for one that no other start here holds.
  private static final int PORT_TRIES = 64;
  private static final Pattern UNSAFE_NAME = Pattern.compile("[^a-zA-Z0-9_.-]");

  private final DockerEngine docker;
  private final DockerRuntimeSettings settings;
  private final String hostId;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final boolean ownsEngine;
  // Containers share the host's network, so they listen on, and are reached at, the host's address.
  private final InstanceNetwork network;

  /**
   * Ports given to containers still starting. A container binds its port only once its server
   * listens, after its model has loaded: until then the port looked free to the next start here,
   * which took it too, and whose start the first container's server then answered, so requests for
   * one model were served by another.
   */
  private final Set<Integer> portsStarting = ConcurrentHashMap.newKeySet();

  /**
   * A runtime on an engine that the caller owns and closes.
   *
   * @param hostId this worker's host; its containers carry it, and only those are reconciled, so
   *     workers of several hosts may share one engine
   */
  public DockerRuntime(DockerEngine docker, DockerRuntimeSettings settings, String hostId) {
    this(docker, settings, hostId, InstanceNetwork.LOOPBACK);
  }

  /**
   * As {@link #DockerRuntime(DockerEngine, DockerRuntimeSettings, String)}, instances on network.
   */
  public DockerRuntime(
      DockerEngine docker, DockerRuntimeSettings settings, String hostId, InstanceNetwork network) {
    this(docker, settings, hostId, false, network);
  }

  private DockerRuntime(
      DockerEngine docker,
      DockerRuntimeSettings settings,
      String hostId,
      boolean ownsEngine,
      InstanceNetwork network) {
    this.docker = docker;
    this.settings = settings;
    this.hostId = hostId;
    this.ownsEngine = ownsEngine;
    this.network = network;
  }

  /** A runtime with an engine of its own, closed with it, its instances on loopback. */
  public static DockerRuntime connect(
      DockerEngineSettings engine, DockerRuntimeSettings settings, String hostId) {
    return connect(engine, settings, hostId, InstanceNetwork.LOOPBACK);
  }

  /** A runtime with an engine of its own, closed with it, its instances where network says. */
  public static DockerRuntime connect(
      DockerEngineSettings engine,
      DockerRuntimeSettings settings,
      String hostId,
      InstanceNetwork network) {
    return new DockerRuntime(new DockerEngine(engine), settings, hostId, true, network);
  }

  @Override
  public URI start(InstanceSpec spec) {
    Optional<URI> current = endpoint(spec.instanceId());
    ContainerServer server = server(spec.server());
    if (current.isPresent()) {
      return served(spec, server, current.get());
    }
    // A container left by an earlier attempt holds the name: a retried start begins afresh.
    removeContainersOf(spec.instanceId());
    pull(server.image());
    int port = reservePort();
    ContainerSpec container = containerSpec(spec, port);
    long began = System.nanoTime();
    URI endpoint = network.endpoint(port);
    String containerId;
    try {
      containerId = docker.start(container);
      awaitReady(containerId, endpoint.resolve(server.healthPath()));
      server.prepare(spec, endpoint);
    } catch (RuntimeException e) {
      // Found by its label: a start cut short may have created the container without saying so.
      removeAfterFailedStart(spec.instanceId(), e);
      throw e;
    } finally {
      portsStarting.remove(port);
    }
    log.info(
        "Instance {} runs in container {} at {}, ready in {} ms",
        spec.instanceId(),
        container.name(),
        endpoint,
        Duration.ofNanos(System.nanoTime() - began).toMillis());
    running.put(spec.instanceId(), new Running(containerId, endpoint, true));
    return endpoint;
  }

  /**
   * The endpoint of a container this runtime has, once it serves. One adopted from an earlier
   * worker ({@link #reconcile}) may have been left while its model loaded: it is waited for, and
   * prepared, as a container this runtime starts is. Before, its endpoint was answered at once, the
   * start's probe failed, and a container minutes from ready was removed.
   */
  private URI served(InstanceSpec spec, ContainerServer server, URI endpoint) {
    Running known = running.get(spec.instanceId());
    if (known == null || known.serves()) {
      return endpoint;
    }
    try {
      awaitReady(known.containerId(), endpoint.resolve(server.healthPath()));
      server.prepare(spec, endpoint);
    } catch (RuntimeException e) {
      running.remove(spec.instanceId(), known);
      removeAfterFailedStart(spec.instanceId(), e);
      throw e;
    } finally {
      portsStarting.remove(endpoint.getPort());
    }
    running.replace(spec.instanceId(), known, new Running(known.containerId(), endpoint, true));
    return endpoint;
  }

  /**
   * Removes the containers of a start that failed. A start interrupted (its activity cancelled)
   * still removes it: docker-java's socket is an interruptible channel, and with the thread's
   * interrupt flag set every call on it failed, so the container ran on with its GPU.
   */
  private void removeAfterFailedStart(String instanceId, RuntimeException failure) {
    boolean interrupted = Thread.interrupted();
    try {
      containersOf(instanceId).forEach(id -> docker.stopAndRemove(id, Duration.ZERO));
    } catch (RuntimeException removal) {
      failure.addSuppressed(removal);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The engine runner always; Ollama and TGI when the settings name their images. */
  @Override
  public boolean runs(ModelServer server) {
    return switch (server) {
      case ENGINE_RUNNER -> true;
      case OLLAMA -> settings.ollamaImage() != null;
      case TGI -> settings.tgiImage() != null;
    };
  }

  @Override
  public void stop(String instanceId) {
    Running stopped = running.get(instanceId);
    if (stopped != null) {
      forget(instanceId, stopped);
    }
    removeContainersOf(instanceId);
  }

  /** Drops an instance; one adopted and never seen serving frees the port kept for it. */
  private void forget(String instanceId, Running instance) {
    if (running.remove(instanceId, instance) && !instance.serves()) {
      portsStarting.remove(instance.endpoint().getPort());
    }
  }

  /**
   * The endpoint of a running instance. A container that exited or was removed behind this
   * runtime's back is forgotten, so a dead instance is never reported as serving.
   */
  @Override
  public Optional<URI> endpoint(String instanceId) {
    Running instance = running.get(instanceId);
    if (instance == null) {
      return Optional.empty();
    }
    boolean alive =
        docker.inspect(instance.containerId()).map(i -> i.state().running()).orElse(false);
    if (!alive) {
      forget(instanceId, instance);
      return Optional.empty();
    }
    return Optional.of(instance.endpoint());
  }

  @Override
  public boolean runsContainers() {
    return true;
  }

  /** The container of an instance this runtime runs, for operators and tests. */
  @Override
  public Optional<String> containerId(String instanceId) {
    return Optional.ofNullable(running.get(instanceId)).map(Running::containerId);
  }

  /**
   * The last {@code lines} lines of an instance's container output, or empty when it has no
   * container on this host.
   */
  public Optional<String> logs(String instanceId, int lines) throws InterruptedException {
    Optional<String> containerId = containersOf(instanceId).stream().findFirst();
    if (containerId.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(docker.logs(containerId.get(), lines, Duration.ofSeconds(30)));
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Every container labelled with this host, running or not, as Docker lists them now. */
  public List<ContainerSummary> containers() {
    return docker.listByLabels(Map.of(ContainerLabels.HOST, hostId));
  }

  /**
   * The last {@code lines} lines of one of this host's containers, named by its ID or a prefix of
   * it that names only one; empty when this host has no such container. Containers of other hosts
   * sharing the engine are not this runtime's to show.
   */
  public Optional<String> containerLogs(String containerId, int lines) throws InterruptedException {
    List<String> matching =
        containers().stream()
            .map(ContainerSummary::id)
            .filter(id -> !containerId.isEmpty() && id.startsWith(containerId))
            .toList();
    if (matching.size() != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(docker.logs(matching.getFirst(), lines, Duration.ofSeconds(30)));
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Settles the containers labelled with this host that this runtime did not start, as after a
   * worker restart. Under {@link ReconcilePolicy#ADOPT_KNOWN} a running container whose instance is
   * in {@code activeInstanceIds} (the registry's active instances on this host) is adopted and its
   * endpoint served again; every other one is removed. The policy is the settings' ({@code
   * MODELYARD_DOCKER_RUNTIME_RECONCILE}).
   */
  public ReconcileReport reconcile(Set<String> activeInstanceIds) {
    return reconcile(activeInstanceIds, settings.reconcile());
  }

  /** {@link #reconcile(Set)} under another policy than the settings'. */
  public ReconcileReport reconcile(Set<String> activeInstanceIds, ReconcilePolicy policy) {
    List<String> adopted = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (ContainerSummary container : docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))) {
      String instanceId = container.labels().get(ContainerLabels.INSTANCE);
      if (instanceId == null || running.containsKey(instanceId)) {
        continue;
      }
      Optional<URI> endpoint = adoptable(container, activeInstanceIds, policy);
      if (endpoint.isPresent()
          && running.putIfAbsent(instanceId, new Running(container.id(), endpoint.get(), false))
              == null) {
        // It may not have bound its port yet: kept from this host's starts until it serves.
        portsStarting.add(endpoint.get().getPort());
        adopted.add(instanceId);
      } else {
        docker.stopAndRemove(container.id(), settings.stopGrace());
        removed.add(instanceId);
      }
    }
    if (!adopted.isEmpty() || !removed.isEmpty()) {
      log.info(
          "Reconciled containers on host {}: adopted {}, removed {}", hostId, adopted, removed);
    }
    return new ReconcileReport(adopted, removed);
  }

  /**
   * Stops and removes every container this runtime started or adopted, unless the settings keep
   * them for the next worker to adopt (a rolling upgrade of the worker).
   */
  @Override
  public void close() {
    if (settings.keepOnShutdown()) {
      log.info(
          "Leaving {} container(s) running on host {} for the next worker to adopt",
          running.size(),
          hostId);
    } else {
      List.copyOf(running.keySet()).forEach(this::stop);
    }
    if (ownsEngine) {
      try {
        docker.close();
      } catch (IOException e) {
        log.warn("Closing the Docker client failed: {}", e.getMessage());
      }
    }
  }

  /** The container that serves {@code spec} on {@code port}: pure, so that tests can read it. */
  ContainerSpec containerSpec(InstanceSpec spec, int port) {
    ContainerServer server = server(spec.server());
    Map<String, String> labels = new HashMap<>();
    labels.put(ContainerLabels.MODEL, spec.modelName());
    labels.put(ContainerLabels.INSTANCE, spec.instanceId());
    labels.put(ContainerLabels.HOST, hostId);
    labels.put(ContainerLabels.PORT, Integer.toString(port));
    if (spec.deployment() != null) {
      labels.put(ContainerLabels.DEPLOYMENT, spec.deployment());
    }
    var memory =
        spec.resources().memoryLimit() != null
            ? spec.resources().memoryLimit()
            : settings.memoryLimit();
    return new ContainerSpec(
            server.image(),
            containerName(spec.instanceId()),
            server.command(spec, network.address().getHostAddress(), port),
            server.env(spec, network.address().getHostAddress(), port),
            labels,
            memory == null ? 0 : memory.toBytes(),
            spec.options().cpuThreads() * 1_000_000_000L,
            true)
        .withMounts(server.mounts(spec))
        .withGpuDeviceIds(spec.resources().gpuDeviceIds())
        .withHealthCheck(
            new ContainerHealthCheck(
                server.healthCommand(network.endpoint(port).resolve(server.healthPath())),
                settings.healthInterval(),
                Duration.ofSeconds(3),
                3,
                settings.startTimeout()));
  }

  /** The server of {@code kind} as the settings configure it; refused when they name no image. */
  private ContainerServer server(ModelServer kind) {
    return switch (kind) {
      case ENGINE_RUNNER -> new EngineRunnerServer(settings.engineRunnerImage());
      case OLLAMA ->
          new OllamaServer(
              required(settings.ollamaImage(), "MODELYARD_DOCKER_RUNTIME_OLLAMA_IMAGE", kind),
              settings.ollamaModels(),
              settings.pullTimeout());
      case TGI ->
          new TgiServer(required(settings.tgiImage(), "MODELYARD_DOCKER_RUNTIME_TGI_IMAGE", kind));
    };
  }

  private static String required(String image, String setting, ModelServer kind) {
    if (image == null) {
      throw new IllegalArgumentException(
          "this host's Docker runtime has no image for " + kind + " instances: set " + setting);
    }
    return image;
  }

  /** Docker's names allow letters, digits, '_', '.' and '-'; instance IDs may hold more. */
  static String containerName(String instanceId) {
    return "modelyard-" + UNSAFE_NAME.matcher(instanceId).replaceAll("_");
  }

  private Optional<URI> adoptable(
      ContainerSummary container, Set<String> activeInstanceIds, ReconcilePolicy policy) {
    String instanceId = container.labels().get(ContainerLabels.INSTANCE);
    String port = container.labels().get(ContainerLabels.PORT);
    if (policy != ReconcilePolicy.ADOPT_KNOWN
        || !activeInstanceIds.contains(instanceId)
        || !"running".equals(container.state())
        || port == null
        || !port.matches("\\d{1,5}")) {
      return Optional.empty();
    }
    return Optional.of(network.endpoint(Integer.parseInt(port)));
  }

  private void pull(String image) {
    long began = System.nanoTime();
    ProgressLog progress = new ProgressLog(image);
    try {
      docker.pull(image, progress::accept, settings.pullTimeout());
    } catch (TimeoutException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling " + image, e);
    }
    log.debug("Pulled {} in {} ms", image, Duration.ofNanos(System.nanoTime() - began).toMillis());
  }

  /**
   * Waits until the server in the container answers {@code healthUrl}; fails at once, with the
   * container's last output, when the container exits first.
   */
  private void awaitReady(String containerId, URI healthUrl) {
    long deadline = System.nanoTime() + settings.startTimeout().toNanos();
    HttpRequest health = HttpRequest.newBuilder(healthUrl).timeout(Duration.ofSeconds(2)).build();
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // Nothing listens yet: the server in the container is still starting.
        }
        Optional<ContainerInfo> info = docker.inspect(containerId);
        if (info.isEmpty() || !info.get().state().running()) {
          throw new IllegalStateException(
              "the model server's container exited before it served"
                  + info.map(
                          i ->
                              " (exit code "
                                  + i.state().exitCode()
                                  + (i.state().oomKilled()
                                      ? ", killed for exceeding its memory limit"
                                      : "")
                                  + ")")
                      .orElse("")
                  + "; its last output:\n"
                  + lastOutput(containerId));
        }
        Thread.sleep(POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a model server's container", e);
    }
    throw new IllegalStateException(
        "the model server's container did not answer "
            + health.uri()
            + " within "
            + settings.startTimeout()
            + "; its last output:\n"
            + lastOutput(containerId));
  }

  private String lastOutput(String containerId) {
    try {
      return docker.logs(containerId, LOG_LINES_ON_FAILURE, Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted while reading the container's logs)";
    } catch (TimeoutException | RuntimeException e) {
      return "(its logs could not be read: " + e.getMessage() + ")";
    }
  }

  private List<String> containersOf(String instanceId) {
    return docker
        .listByLabels(Map.of(ContainerLabels.HOST, hostId, ContainerLabels.INSTANCE, instanceId))
        .stream()
        .map(ContainerSummary::id)
        .toList();
  }

  private void removeContainersOf(String instanceId) {
    containersOf(instanceId).forEach(id -> docker.stopAndRemove(id, settings.stopGrace()));
  }

  /**
   * A free port for a container about to start, kept from this runtime's other starts until its
   * start has ended ({@link #portsStarting}).
   */
  int reservePort() {
    for (int tries = 0; tries < PORT_TRIES; tries++) {
      int port = freePort(network);
      if (portsStarting.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no port of "
            + network.ports()
            + " on "
            + network.address().getHostAddress()
            + " is free of the containers starting on this host");
  }

  /**
   * A free port of the network's range for the server to open. Another process could take it before
   * the container does; the start then fails and its retry picks another.
   */
  private static int freePort(InstanceNetwork network) {
    try {
      return network
          .ports()
          .bind(
              port -> {
                try (ServerSocket socket = new ServerSocket(port, 1, network.address())) {
                  return socket.getLocalPort();
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no free port of " + network.ports() + " on " + network.address().getHostAddress(), e);
    }
  }

  /**
   * A container this runtime has; {@code serves} once it answered its health check here (an adopted
   * one has not yet).
   */
  private record Running(String containerId, URI endpoint, boolean serves) {}

  /** Logs a pull's progress once per layer and status, not once per chunk. */
  private static final class ProgressLog {

    private final String image;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    ProgressLog(String image) {
      this.image = image;
    }

    void accept(ImagePullProgress progress) {
      if (seen.add(progress.layerId() + " " + progress.status())) {
        log.info(
            "Pulling {}: {} {}",
            image,
            progress.layerId().isEmpty() ? "" : progress.layerId(),
            progress.status());
      }
    }
  }
}
