package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host whose instances the tests can kill, slow down or make fail to start; its probes answer as
 * those instances would. Start attempts are timed with the test server's clock, which is the
 * workflows' clock.
 */
class SimulatedHost implements InstanceHostActivities {

  record Start(String instanceId, long atMillis, StartInstance request) {}

  final Set<String> running = ConcurrentHashMap.newKeySet();
  final List<Start> starts = new CopyOnWriteArrayList<>();
  final List<String> stops = new CopyOnWriteArrayList<>();

  /** The task queue each stop came by. */
  final List<String> stopQueues = new CopyOnWriteArrayList<>();

  /** Latency answered probes report, per instance; 20 ms when not set. */
  final Map<String, Long> latencies = new ConcurrentHashMap<>();

  /** Instances whose every generation waits in the queue past the probe's timeout. */
  final Set<String> busy = ConcurrentHashMap.newKeySet();

  /** Outcomes to report before anything else, per instance: blips. */
  final Map<String, Deque<ProbeOutcome>> scripted = new ConcurrentHashMap<>();

  final AtomicInteger failNextStarts = new AtomicInteger();

  /** Run when a start fails as {@link #failNextStarts} asks: what happens meanwhile elsewhere. */
  volatile Runnable onFailedStart = () -> {};

  volatile boolean rejectStarts;
  private final AtomicInteger ports = new AtomicInteger(9000);
  private final TestWorkflowEnvironment env;

  SimulatedHost(TestWorkflowEnvironment env) {
    this.env = env;
  }

  /** An instance already running, as a load would have left it; returns its endpoint. */
  String run(String instanceId) {
    running.add(instanceId);
    return "http://127.0.0.1:" + ports.incrementAndGet();
  }

  void script(String instanceId, ProbeOutcome... outcomes) {
    scripted.put(instanceId, new ArrayDeque<>(List.of(outcomes)));
  }

  List<Start> startsOf(String instanceId) {
    return starts.stream().filter(s -> s.instanceId().equals(instanceId)).toList();
  }

  @Override
  public StartedInstance startInstance(StartInstance request) {
    starts.add(new Start(request.instanceId(), env.currentTimeMillis(), request));
    if (rejectStarts) {
      throw ApplicationFailure.newNonRetryableFailure(
          "contextLength must be at least 64", INSTANCE_START_REJECTED);
    }
    if (failNextStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      onFailedStart.run();
      throw new IllegalStateException("out of memory");
    }
    running.add(request.instanceId());
    return new StartedInstance(request.instanceId(), "http://127.0.0.1:" + ports.incrementAndGet());
  }

  @Override
  public void stopInstance(String instanceId) {
    stops.add(instanceId);
    stopQueues.add(Activity.getExecutionContext().getInfo().getActivityTaskQueue());
    running.remove(instanceId);
  }

  /** The probe activity of this host's instances. */
  class Probes implements InstanceProbeActivities {
    @Override
    public ProbeResult probe(ProbeRequest request) {
      String id = request.instanceId();
      Deque<ProbeOutcome> next = scripted.get(id);
      ProbeOutcome scriptedOutcome = next == null ? null : next.pollFirst();
      if (scriptedOutcome == ProbeOutcome.FAILED || !running.contains(id)) {
        return new ProbeResult(id, ProbeOutcome.FAILED, 0, "connection refused");
      }
      if (scriptedOutcome == ProbeOutcome.BUSY || busy.contains(id)) {
        return new ProbeResult(
            id,
            ProbeOutcome.BUSY,
            request.generationTimeout().toMillis(),
            "alive, but no token within " + request.generationTimeout());
      }
      return new ProbeResult(id, ProbeOutcome.ANSWERED, latencies.getOrDefault(id, 20L), null);
    }
  }
}
