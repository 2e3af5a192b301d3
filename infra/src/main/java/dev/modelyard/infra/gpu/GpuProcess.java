package dev.modelyard.infra.gpu;

/**
 * A compute process holding memory on a GPU.
 *
 * @param pid the process id as the driver sees it (the host's, when we run in a container)
 * @param usedMemoryBytes the device memory it holds, or -1 where the driver cannot say
 */
public record GpuProcess(int pid, long usedMemoryBytes) {}
