package dev.modelyard.workflows.deployments;

import java.util.List;

/**
 * What an instance may use. Null fields take the runtime's defaults; the API validates ranges
 * before a workflow ever sees them. {@code gpuDeviceIds} (UUIDs or indexes on the host) pins the
 * instance to exactly those GPUs; empty lets placement choose. {@code memoryBytes} is the most
 * memory the instance may use, enforced where the runtime can (a container's memory limit).
 */
public record ResourceRequirements(
    Integer contextLength,
    Integer cpuThreads,
    Integer parallelSlots,
    List<String> gpuDeviceIds,
    Long memoryBytes) {

  public static final ResourceRequirements DEFAULTS = new ResourceRequirements(null, null, null);

  public ResourceRequirements {
    gpuDeviceIds = gpuDeviceIds == null ? List.of() : List.copyOf(gpuDeviceIds);
    if (memoryBytes != null && memoryBytes <= 0) {
      throw new IllegalArgumentException("memoryBytes must be positive, was " + memoryBytes);
    }
  }

  /**
   * These requirements on the GPUs placement chose, so that the instance runs where its memory is
   * reserved; unchanged when placement chose the host's RAM.
   */
  public ResourceRequirements onGpus(List<String> placedGpuIds) {
    if (placedGpuIds.isEmpty()) {
      return this;
    }
    return new ResourceRequirements(
        contextLength, cpuThreads, parallelSlots, placedGpuIds, memoryBytes);
  }

  public ResourceRequirements(Integer contextLength, Integer cpuThreads, Integer parallelSlots) {
    this(contextLength, cpuThreads, parallelSlots, List.of(), null);
  }

  public ResourceRequirements(
      Integer contextLength, Integer cpuThreads, Integer parallelSlots, List<String> gpuDeviceIds) {
    this(contextLength, cpuThreads, parallelSlots, gpuDeviceIds, null);
  }
}
