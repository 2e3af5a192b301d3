package dev.modelyard.infra.gpu;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The inventory read from NVIDIA's driver through NVML. NVML is initialised once, when opened, and
 * shut down on {@link #close()}; each {@link #devices()} reads every device afresh.
 */
public final class NvmlGpuInventory implements GpuInventory {

  private static final String GET_PROCESSES = "nvmlDeviceGetComputeRunningProcesses_v3";
  // Processes can start between the call that sizes the list and the one that fills it.
  private static final int PROCESS_HEADROOM = 8;
  private static final int PROCESS_ATTEMPTS = 4;

  private final Nvml nvml;
  private final String status;
  private boolean closed;

  private NvmlGpuInventory(Nvml nvml, String status) {
    this.nvml = nvml;
    this.status = status;
  }

  /**
   * Loads the driver library and initialises NVML.
   *
   * @throws NvmlException when the library is missing or NVML cannot start (no driver loaded, say)
   */
  public static NvmlGpuInventory open() {
    Nvml nvml = Nvml.load();
    try {
      nvml.init();
    } catch (NvmlException notStarted) {
      nvml.unload();
      throw notStarted;
    }
    try (Arena arena = Arena.ofConfined()) {
      int count = nvml.deviceCount(arena);
      String status =
          "NVML %s, driver %s, %d %s"
              .formatted(
                  nvml.nvmlVersion(arena),
                  nvml.driverVersion(arena),
                  count,
                  count == 1 ? "device" : "devices");
      return new NvmlGpuInventory(nvml, status);
    } catch (NvmlException unreadable) {
      nvml.close();
      throw unreadable;
    }
  }

  @Override
  public synchronized List<GpuDevice> devices() {
    if (closed) {
      throw new IllegalStateException("the GPU inventory is closed");
    }
    try (Arena arena = Arena.ofConfined()) {
      int count = nvml.deviceCount(arena);
      List<GpuDevice> devices = new ArrayList<>(count);
      for (int index = 0; index < count; index++) {
        devices.add(read(arena, index));
      }
      return List.copyOf(devices);
    }
  }

  @Override
  public String status() {
    return status;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      nvml.close();
    }
  }

  private GpuDevice read(Arena arena, int index) {
    MemorySegment device = nvml.deviceHandle(arena, index);
    Optional<MemorySegment> memory = supported(() -> nvml.memoryInfo(arena, device));
    Optional<MemorySegment> utilization = supported(() -> nvml.utilizationRates(arena, device));
    return new GpuDevice(
        index,
        nvml.uuid(arena, device),
        nvml.name(arena, device),
        memory.map(m -> (long) NvmlLayouts.MEMORY_TOTAL.get(m, 0L)).orElse(-1L),
        memory.map(m -> (long) NvmlLayouts.MEMORY_USED.get(m, 0L)).orElse(-1L),
        memory.map(m -> (long) NvmlLayouts.MEMORY_FREE.get(m, 0L)).orElse(-1L),
        memory.map(m -> (long) NvmlLayouts.MEMORY_RESERVED.get(m, 0L)).orElse(-1L),
        utilization.map(u -> (int) NvmlLayouts.UTILIZATION_GPU.get(u, 0L)).orElse(-1),
        utilization.map(u -> (int) NvmlLayouts.UTILIZATION_MEMORY.get(u, 0L)).orElse(-1),
        supported(() -> nvml.temperature(arena, device, NvmlLayouts.TEMPERATURE_GPU)).orElse(-1),
        supported(() -> nvml.powerUsage(arena, device) / 1000.0).orElse(-1.0),
        supported(() -> processes(arena, device)).orElse(List.of()));
  }

  private List<GpuProcess> processes(Arena arena, MemorySegment device) {
    MemorySegment count = arena.allocate(JAVA_INT);
    int capacity = 0;
    for (int attempt = 0; attempt < PROCESS_ATTEMPTS; attempt++) {
      MemorySegment infos =
          capacity == 0 ? MemorySegment.NULL : arena.allocate(NvmlLayouts.PROCESS_INFO, capacity);
      count.set(JAVA_INT, 0, capacity);
      int code = nvml.computeRunningProcesses(device, count, infos);
      int found = count.get(JAVA_INT, 0);
      if (code == NvmlReturn.ERROR_INSUFFICIENT_SIZE.code()) {
        capacity = found + PROCESS_HEADROOM;
        continue;
      }
      nvml.check(GET_PROCESSES, code);
      int filled = Math.min(found, capacity);
      List<GpuProcess> processes = new ArrayList<>(filled);
      for (long i = 0; i < filled; i++) {
        processes.add(
            new GpuProcess(
                (int) NvmlLayouts.PROCESS_PID.get(infos, 0L, i),
                // NVML_VALUE_NOT_AVAILABLE is ULLONG_MAX, which is already -1 as a long.
                (long) NvmlLayouts.PROCESS_USED_MEMORY.get(infos, 0L, i)));
      }
      return processes;
    }
    throw new NvmlException(
        GET_PROCESSES,
        NvmlReturn.ERROR_INSUFFICIENT_SIZE.code(),
        "the process list kept growing over " + PROCESS_ATTEMPTS + " attempts");
  }

  /** The value, or empty when this device or driver does not offer the metric. */
  private static <T> Optional<T> supported(Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (NvmlException e) {
      if (e.reason().meansUnsupported()) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
