package dev.modelyard.workflows.placement;

import java.util.List;

/** Where a model goes, or why it goes nowhere. */
public sealed interface PlacementDecision {

  /** On one host, across the listed devices (one, unless explicit GPU IDs named several). */
  record Placed(String hostId, List<DeviceShare> shares) implements PlacementDecision {

    public Placed {
      shares = List.copyOf(shares);
    }

    public long bytes() {
      return shares.stream().mapToLong(DeviceShare::bytes).sum();
    }

    public List<String> deviceIds() {
      return shares.stream().map(DeviceShare::deviceId).toList();
    }

    /** The GPUs of the reservation by UUID, as the runtime hands them to the instance. */
    public List<String> gpuDeviceIds() {
      return shares.stream()
          .map(DeviceShare::deviceId)
          .filter(id -> !DeviceMemory.CPU.equals(id))
          .toList();
    }
  }

  /**
   * Nothing fits: {@code needBytes} is what was asked, {@code largestFreeBytes} the most free on
   * any one candidate device, and {@code reason} says both in words, with where.
   */
  record Refused(long needBytes, long largestFreeBytes, String reason)
      implements PlacementDecision {}
}
