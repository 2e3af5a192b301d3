package dev.modelyard.workflows.placement;

import java.util.List;

/**
 * What to place: {@code needBytes}, on one of {@code hostIds} (any host when empty), on exactly the
 * GPUs {@code gpuDeviceIds} names (UUIDs or indexes; any one device when empty).
 */
public record PlacementRequest(long needBytes, List<String> hostIds, List<String> gpuDeviceIds) {

  public PlacementRequest {
    if (needBytes <= 0) {
      throw new IllegalArgumentException("needBytes must be positive, was " + needBytes);
    }
    hostIds = hostIds == null ? List.of() : List.copyOf(hostIds);
    gpuDeviceIds = gpuDeviceIds == null ? List.of() : List.copyOf(gpuDeviceIds);
  }
}
