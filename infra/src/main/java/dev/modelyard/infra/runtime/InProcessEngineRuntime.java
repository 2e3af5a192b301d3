package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineRunner;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.LlamaEngine;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as an {@link EngineRunner} inside this JVM: the embedded default, with nothing
 * to install. Instances end with the process; the health workflow notices and restarts.
 *
 * <p>It cannot keep an instance to the GPUs it was given: every instance shares this process, and
 * so every GPU the process sees. It starts such an instance anyway and says so once, in the log;
 * the local-process and Docker runtimes enforce them.
 */
public final class InProcessEngineRuntime implements ModelRuntime, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InProcessEngineRuntime.class);

  private final InstanceNetwork network;
  private final AtomicBoolean gpusUnenforcedLogged = new AtomicBoolean();
  private final Map<String, EngineRunner> runners = new ConcurrentHashMap<>();

  /** Instances on loopback at any free port: the single-machine default. */
  public InProcessEngineRuntime() {
    this(InstanceNetwork.LOOPBACK);
  }

  /** Instances listening, and registered, where {@code network} says. */
  public InProcessEngineRuntime(InstanceNetwork network) {
    this.network = network;
  }

  @Override
  public URI start(InstanceSpec spec) {
    List<String> gpus = spec.resources().gpuDeviceIds();
    if (!gpus.isEmpty() && gpusUnenforcedLogged.compareAndSet(false, true)) {
      log.warn(
          "Instance {} was given GPUs {}, but the in-process runtime shares one process between"
              + " all instances and cannot keep it to them; use MODELYARD_RUNTIME=local-process or"
              + " docker for that. Said once.",
          spec.instanceId(),
          gpus);
    }
    EngineRunner running = runners.get(spec.instanceId());
    if (running != null) {
      return running.endpoint();
    }
    // Loaded outside the map: inside computeIfAbsent the load held a lock of the map for as long
    // as it took (minutes for a large model), and a stop or start of any other instance whose ID
    // fell in the same bin waited as long. A worker starts one instance once at a time
    // (StartAttempts), so two loads of one instance do not race; if they did, one would be closed.
    EngineRunner started =
        EngineRunner.start(
            spec.modelName(), LlamaEngine.load(spec.modelPath(), spec.options()), network);
    EngineRunner raced = runners.putIfAbsent(spec.instanceId(), started);
    if (raced != null) {
      started.close();
      return raced.endpoint();
    }
    return started.endpoint();
  }

  @Override
  public void stop(String instanceId) {
    EngineRunner runner = runners.remove(instanceId);
    if (runner != null) {
      runner.close();
    }
  }

  @Override
  public Optional<URI> endpoint(String instanceId) {
    return Optional.ofNullable(runners.get(instanceId)).map(EngineRunner::endpoint);
  }

  @Override
  public void close() {
    runners.keySet().forEach(this::stop);
  }
}
