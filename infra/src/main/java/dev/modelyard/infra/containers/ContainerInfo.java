package dev.modelyard.infra.containers;

import java.util.List;
import java.util.Map;

/**
 * One container as {@code docker inspect} sees it, reduced to what Modelyard decides on.
 *
 * @param name the container name, without Docker's leading slash
 * @param memoryLimitBytes the memory limit Docker enforces; 0 means none
 * @param networkMode {@code host}, {@code bridge}, {@code none} or a network name
 * @param gpuDeviceIds the GPUs its device requests name (capability {@code gpu}); empty for none
 */
public record ContainerInfo(
    String id,
    String name,
    String image,
    List<String> command,
    Map<String, String> labels,
    ContainerState state,
    long memoryLimitBytes,
    long nanoCpus,
    String networkMode,
    List<String> gpuDeviceIds) {

  public ContainerInfo {
    command = List.copyOf(command);
    gpuDeviceIds = List.copyOf(gpuDeviceIds);
    labels = Map.copyOf(labels);
  }
}
