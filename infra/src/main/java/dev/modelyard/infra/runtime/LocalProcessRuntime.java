package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineRunnerMain;
import dev.modelyard.infra.engine.InstanceNetwork;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each instance as its own JVM ({@link EngineRunnerMain}) where its {@link InstanceNetwork}
 * says (loopback by default), with its output in {@code <logDir>/<instanceId>.log}. The instance
 * ends when its process does; the health loop notices a dead one and restarts it.
 *
 * <p>Each process sees only the GPUs of its {@link InstanceResources} ({@code
 * CUDA_VISIBLE_DEVICES}), and one given none sees no GPU at all: see {@link #restrictGpus}.
 */
public final class LocalProcessRuntime implements ModelRuntime, AutoCloseable {

  /** How long a runner may take to listen by default: a large model loads from a slow disk. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(10);

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path logDir;
  private final InstanceNetwork network;
  private final Duration startTimeout;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  public LocalProcessRuntime(Path logDir) {
    this(logDir, InstanceNetwork.LOOPBACK, DEFAULT_START_TIMEOUT);
  }

  /**
   * @param startTimeout how long a runner may take to load its model and listen
   */
  public LocalProcessRuntime(Path logDir, InstanceNetwork network, Duration startTimeout) {
    this.logDir = logDir;
    this.network = network;
    this.startTimeout = startTimeout;
  }

  @Override
  public URI start(InstanceSpec spec) {
    Running current = running.get(spec.instanceId());
    if (current != null && current.process().isAlive()) {
      return current.endpoint();
    }
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder =
          new ProcessBuilder(command(spec, network, ProcessHandle.current().pid()))
              .redirectErrorStream(true);
      restrictGpus(builder.environment(), spec.resources().gpuDeviceIds());
      Process process = builder.start();
      URI endpoint = awaitReady(process, logDir.resolve(spec.instanceId() + ".log"), network);
      running.put(spec.instanceId(), new Running(process, endpoint));
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an engine runner for " + spec.modelPath(), e);
    }
  }

  @Override
  public void stop(String instanceId) {
    Running instance = running.remove(instanceId);
    if (instance == null) {
      return;
    }
    instance.process().destroy();
    try {
      if (!instance.process().waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        instance.process().destroyForcibly();
      }
    } catch (InterruptedException e) {
      instance.process().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Optional<URI> endpoint(String instanceId) {
    return Optional.ofNullable(running.get(instanceId))
        .filter(r -> r.process().isAlive())
        .map(Running::endpoint);
  }

  /** The process of a running instance, for operators and tests. */
  public Optional<ProcessHandle> process(String instanceId) {
    return Optional.ofNullable(running.get(instanceId)).map(r -> r.process().toHandle());
  }

  @Override
  public void close() {
    List.copyOf(running.keySet()).forEach(this::stop);
  }

  /**
   * Lets the process see only the GPUs it was given, by index or UUID as NVIDIA's runtime accepts
   * both. CUDA numbers GPUs fastest first unless told otherwise, while NVML, {@code nvidia-smi} and
   * so placement number them in PCI bus order: {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} makes an index
   * name the same GPU to both. With no GPUs the list is empty, which CUDA reads as no device: an
   * instance placed in RAM must not take GPU memory that the placement ledger gives to others.
   * Whatever the worker's own environment says is replaced, since placement chose for this
   * instance.
   */
  static void restrictGpus(Map<String, String> environment, List<String> gpuDeviceIds) {
    environment.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
    environment.put("CUDA_VISIBLE_DEVICES", String.join(",", gpuDeviceIds));
  }

  /**
   * The same JVM and class path as this process. Inside a Spring Boot jar the classes sit in
   * BOOT-INF, so the runner starts through Boot's PropertiesLauncher with {@code loader.main}. The
   * runner picks its own port from the range: it binds as it picks, so no other process can take
   * the port between the choice and the bind.
   */
  static List<String> command(InstanceSpec spec, InstanceNetwork network, long workerPid) {
    String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary,
                "--enable-native-access=ALL-UNNAMED",
                "-D" + EngineRunnerMain.EXIT_WITH + "=" + workerPid));
    if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
      command.addAll(
          List.of(
              "-cp",
              classPath,
              "-Dloader.main=" + EngineRunnerMain.class.getName(),
              "org.springframework.boot.loader.launch.PropertiesLauncher"));
    } else {
      command.addAll(List.of("-cp", classPath, EngineRunnerMain.class.getName()));
    }
    command.addAll(
        List.of(
            spec.modelPath().toString(),
            spec.modelName(),
            Integer.toString(spec.options().contextLength()),
            Integer.toString(spec.options().cpuThreads()),
            Integer.toString(spec.options().parallelSlots()),
            network.ports().toString(),
            network.address().getHostAddress()));
    return command;
  }

  /** Copies the runner's output to its log, and returns its endpoint once it says it listens. */
  private URI awaitReady(Process process, Path log, InstanceNetwork network) throws IOException {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  var out = Files.newBufferedWriter(log)) {
                for (String line; (line = lines.readLine()) != null; ) {
                  if (line.startsWith(EngineRunnerMain.READY_LINE)) {
                    port.complete(
                        Integer.parseInt(
                            line.substring(EngineRunnerMain.READY_LINE.length()).trim()));
                  }
                  out.write(line);
                  out.newLine();
                  out.flush();
                }
              } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(
                  new IllegalStateException(
                      "the engine runner exited before it listened; see " + log));
            });
    try {
      return network.endpoint(port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the engine runner did not listen within "
              + startTimeout
              + " (MODELYARD_INSTANCE_START_TIMEOUT); see "
              + log,
          e);
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting an engine runner", e);
    }
  }

  private record Running(Process process, URI endpoint) {}
}
