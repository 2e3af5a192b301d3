package dev.modelyard.workers.containers;

import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.DockerRuntime;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.runtime.ReconcileReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Settles this host's containers with the registry when the worker starts, before its pools poll:
 * running containers of the registry's active instances are adopted (not started a second time),
 * the others removed, as the runtime's reconcile policy says. A ready instance whose container is
 * gone is marked unhealthy with a score of 0; the health loop finds its endpoint dead and restarts
 * it through the runtime. Instances still starting are left to the workflow that starts them.
 */
class ContainerReconciliation implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ContainerReconciliation.class);

  private final ModelRuntime runtime;
  private final ModelRegistry registry;
  private final InstanceHealthRegistry health;
  private final String hostId;
  private volatile boolean running;
  private volatile ReconcileReport report;

  ContainerReconciliation(
      ModelRuntime runtime, ModelRegistry registry, InstanceHealthRegistry health, String hostId) {
    this.runtime = runtime;
    this.registry = registry;
    this.health = health;
    this.hostId = hostId;
  }

  @Override
  public void start() {
    running = true;
    // Only containers outlive the worker; other runtimes' instances ended with the last one.
    if (!(runtime instanceof DockerRuntime docker)) {
      return;
    }
    Set<String> active = registry.activeInstanceIdsOnHost(hostId);
    report = docker.reconcile(active);
    List<String> gone = new ArrayList<>();
    for (String instanceId : active) {
      if (runtime.endpoint(instanceId).isEmpty()
          && health.recordContainerGone(
              instanceId,
              "no running container for it when the worker of host " + hostId + " started")) {
        gone.add(instanceId);
      }
    }
    log.info(
        "Containers on host {}: adopted {}, removed {}, marked for restart {}",
        hostId,
        report.adopted(),
        report.removed(),
        gone);
  }

  /** What the start-up reconciliation did; null before it ran. */
  ReconcileReport report() {
    return report;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the worker pools, which start in the last phase: nothing is started twice. */
  @Override
  public int getPhase() {
    // Before the host's memory report, which counts what the adopted containers hold.
    return SmartLifecycle.DEFAULT_PHASE - 2;
  }
}
