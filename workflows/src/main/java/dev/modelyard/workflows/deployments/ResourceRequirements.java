package dev.modelyard.workflows.deployments;

import java.util.List;

/**
 * What an instance may use. Null fields take the runtime's defaults; the API validates ranges
 * before a workflow ever sees them. {@code gpuDeviceIds} (UUIDs or indexes on the host) pins the
 * instance to exactly those GPUs; empty lets placement choose.
 */
public record ResourceRequirements(
    Integer contextLength, Integer cpuThreads, Integer parallelSlots, List<String> gpuDeviceIds) {

  public static final ResourceRequirements DEFAULTS = new ResourceRequirements(null, null, null);

  public ResourceRequirements {
    gpuDeviceIds = gpuDeviceIds == null ? List.of() : List.copyOf(gpuDeviceIds);
  }

  public ResourceRequirements(Integer contextLength, Integer cpuThreads, Integer parallelSlots) {
    this(contextLength, cpuThreads, parallelSlots, List.of());
  }
}
