package dev.modelyard.infra.placement;

import dev.modelyard.workflows.placement.DeviceMemory;

/** One device as a worker reports it: a GPU from NVML, or its host's RAM ({@link #ram}). */
public record ReportedDevice(
    String deviceId, int index, String name, long totalBytes, long freeBytes) {

  public ReportedDevice {
    if (deviceId == null || deviceId.isBlank()) {
      throw new IllegalArgumentException("a reported device needs an ID");
    }
    if (totalBytes < 0 || freeBytes < 0) {
      throw new IllegalArgumentException(
          "memory must not be negative: total %d, free %d on %s"
              .formatted(totalBytes, freeBytes, deviceId));
    }
  }

  public static ReportedDevice ram(long totalBytes, long availableBytes) {
    return new ReportedDevice(DeviceMemory.CPU, -1, "RAM", totalBytes, availableBytes);
  }
}
