package dev.modelyard.workers.placement;

import dev.modelyard.infra.gpu.GpuDevice;
import dev.modelyard.infra.gpu.GpuInventory;
import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.infra.placement.ReportedDevice;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the placement ledger what this host offers when the worker starts: its GPUs through NVML,
 * or its RAM when it has none. It runs before the worker pools start polling, so that no load is
 * placed on a host whose memory the ledger has not seen.
 */
class HostMemoryReport implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HostMemoryReport.class);
  private static final long MIB = 1024 * 1024;

  private final PlacementLedger ledger;
  private final GpuInventory gpus;
  private final String hostId;
  private final boolean isHost;
  private final Supplier<Set<String>> runningHere;
  private volatile boolean running;

  /**
   * @param isHost whether this process polls its host queue: only then can loads be placed here, so
   *     a process that runs only shared queues offers nothing to the ledger
   * @param runningHere the instances running on this host now (containers a restarted worker
   *     adopted; none in process, where they ended with the last worker)
   */
  HostMemoryReport(
      PlacementLedger ledger,
      GpuInventory gpus,
      String hostId,
      boolean isHost,
      Supplier<Set<String>> runningHere) {
    this.ledger = ledger;
    this.gpus = gpus;
    this.hostId = hostId;
    this.isHost = isHost;
    this.runningHere = runningHere;
  }

  @Override
  public void start() {
    running = true;
    if (!isHost) {
      return;
    }
    List<ReportedDevice> devices = devices();
    ledger.recordInventory(hostId, devices, runningHere.get());
    log.info(
        "Placement: host {} offers {}",
        hostId,
        devices.stream()
            .map(
                d ->
                    "%s %d of %d MiB free"
                        .formatted(d.name(), d.freeBytes() / MIB, d.totalBytes() / MIB))
            .toList());
  }

  List<ReportedDevice> devices() {
    List<GpuDevice> found = gpus.devices();
    if (found.isEmpty()) {
      SystemMemory ram = SystemMemory.read();
      return List.of(ReportedDevice.ram(ram.totalBytes(), ram.availableBytes()));
    }
    // NVML's v2 free memory: what the driver reserves for itself is neither free nor ours.
    return found.stream().map(HostMemoryReport::reported).toList();
  }

  /**
   * A GPU whose driver gives no memory figures (NVML answers "not supported" on some drivers and
   * boards) is offered with none: nothing is placed on it, and the log says why, where failing the
   * worker's start would take the host's other GPUs out too.
   */
  private static ReportedDevice reported(GpuDevice gpu) {
    if (gpu.memoryTotalBytes() < 0 || gpu.memoryFreeBytes() < 0) {
      log.warn(
          "Placement: GPU {} ({}) reports no memory figures; no model is placed on it",
          gpu.index(),
          gpu.uuid());
      return new ReportedDevice(gpu.uuid(), gpu.index(), gpu.name(), 0, 0);
    }
    return new ReportedDevice(
        gpu.uuid(), gpu.index(), gpu.name(), gpu.memoryTotalBytes(), gpu.memoryFreeBytes());
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Just before the worker pools, which start in the last phase, and after a Docker worker has
   * adopted its containers (ContainerReconciliation), whose memory the report must count as held.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1;
  }
}
