package dev.modelyard.workers.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelyard.infra.gpu.GpuDevice;
import dev.modelyard.infra.gpu.GpuInventory;
import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.placement.DeviceMemory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a worker offers the ledger, against the real PostgreSQL of the test environment. The GPUs
 * are an inventory stand-in named as such: NVML needs an NVIDIA driver this machine lacks (its real
 * calls are tested on a GPU machine, {@code -Dgroups=gpu}).
 */
class HostMemoryReportTests {

  private static final long GIB = 1024L * 1024 * 1024;
  private final FreshSchema database = new FreshSchema();
  private final PlacementLedger ledger = new PlacementLedger(database.dataSource);

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  void aGpuWithoutMemoryFiguresIsOfferedWithNoneAndTheWorkerStillStarts() {
    GpuInventory standIn =
        new GpuInventory() {
          @Override
          public List<GpuDevice> devices() {
            return List.of(gpu(0, "GPU-aaaa", 24 * GIB, 20 * GIB), gpu(1, "GPU-bbbb", -1, -1));
          }

          @Override
          public String status() {
            return "stand-in with two GPUs";
          }
        };
    HostMemoryReport report = new HostMemoryReport(ledger, standIn, "host-a", true, Set::of);

    report.start();

    assertThat(report.isRunning()).isTrue();
    assertThat(ledger.devices())
        .extracting(DeviceMemory::deviceId, DeviceMemory::capacityBytes)
        .containsExactlyInAnyOrder(tuple("GPU-aaaa", 20 * GIB), tuple("GPU-bbbb", 0L));
  }

  private static GpuDevice gpu(int index, String uuid, long total, long free) {
    return new GpuDevice(
        index,
        uuid,
        "NVIDIA L4",
        total,
        total < 0 ? -1 : total - free,
        free,
        0,
        0,
        0,
        40,
        30.0,
        List.of());
  }
}
