package dev.modelyard.infra.runtime;

import java.util.List;
import java.util.Objects;
import org.springframework.util.unit.DataSize;

/**
 * What an instance may use beyond its engine options (whose CPU threads are its CPU share).
 * Runtimes that cannot enforce a limit (the in-process one) ignore it.
 *
 * @param memoryLimit the most memory it may use, or null for the runtime's default
 * @param gpuDeviceIds the GPUs it is given, by index or UUID; empty for none
 */
public record InstanceResources(DataSize memoryLimit, List<String> gpuDeviceIds) {

  public static final InstanceResources UNLIMITED = new InstanceResources(null, List.of());

  public InstanceResources {
    if (memoryLimit != null && memoryLimit.toBytes() <= 0) {
      throw new IllegalArgumentException("memoryLimit must be positive, was " + memoryLimit);
    }
    gpuDeviceIds = List.copyOf(Objects.requireNonNull(gpuDeviceIds, "gpuDeviceIds"));
  }
}
