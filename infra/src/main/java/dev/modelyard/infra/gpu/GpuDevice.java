package dev.modelyard.infra.gpu;

import java.util.List;

/**
 * One GPU as read at one moment. Every metric a device does not support is -1, so one missing
 * sensor never hides the rest. Placement should reason on {@code memoryFreeBytes}: {@code
 * memoryUsedBytes} may include what the driver reserves for itself.
 */
public record GpuDevice(
    int index,
    String uuid,
    String name,
    long memoryTotalBytes,
    long memoryUsedBytes,
    long memoryFreeBytes,
    long memoryReservedBytes,
    int utilizationGpuPercent,
    int utilizationMemoryPercent,
    int temperatureCelsius,
    double powerWatts,
    List<GpuProcess> processes) {

  public GpuDevice {
    processes = List.copyOf(processes);
  }
}
