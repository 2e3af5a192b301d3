package dev.modelyard.infra.containers;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: an image that is already pulled, under a unique container name.
 *
 * @param command the command and its arguments; empty runs the image's default command
 * @param env environment variables given to the container
 * @param labels container labels; Modelyard's own live under {@link ContainerLabels#PREFIX}
 * @param memoryLimitBytes hard memory limit; 0 means no limit
 * @param nanoCpus CPU quota in billionths of a CPU (1_500_000_000 is one and a half); 0 means no
 *     limit
 * @param hostNetwork whether the container shares the host's network stack, which model servers use
 *     so that a port they open on loopback is reachable without port mapping
 * @param mounts host paths bound into the container
 * @param gpuDeviceIds NVIDIA GPUs given to the container, by index or UUID as {@code nvidia-smi}
 *     names them; empty gives none
 * @param healthCheck the check Docker runs inside the container, or null for the image's own
 */
public record ContainerSpec(
    String image,
    String name,
    List<String> command,
    Map<String, String> env,
    Map<String, String> labels,
    long memoryLimitBytes,
    long nanoCpus,
    boolean hostNetwork,
    List<ContainerMount> mounts,
    List<String> gpuDeviceIds,
    ContainerHealthCheck healthCheck) {

  public ContainerSpec {
    requireText(image, "image");
    requireText(name, "name");
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    mounts = List.copyOf(Objects.requireNonNull(mounts, "mounts"));
    gpuDeviceIds = List.copyOf(Objects.requireNonNull(gpuDeviceIds, "gpuDeviceIds"));
    if (memoryLimitBytes < 0) {
      throw new IllegalArgumentException(
          "memoryLimitBytes must be 0 (no limit) or positive, was " + memoryLimitBytes);
    }
    if (nanoCpus < 0) {
      throw new IllegalArgumentException(
          "nanoCpus must be 0 (no limit) or positive, was " + nanoCpus);
    }
  }

  /** A container without mounts, GPUs or a health check of its own. */
  public ContainerSpec(
      String image,
      String name,
      List<String> command,
      Map<String, String> env,
      Map<String, String> labels,
      long memoryLimitBytes,
      long nanoCpus,
      boolean hostNetwork) {
    this(
        image,
        name,
        command,
        env,
        labels,
        memoryLimitBytes,
        nanoCpus,
        hostNetwork,
        List.of(),
        List.of(),
        null);
  }

  public ContainerSpec withMounts(List<ContainerMount> mounts) {
    return new ContainerSpec(
        image,
        name,
        command,
        env,
        labels,
        memoryLimitBytes,
        nanoCpus,
        hostNetwork,
        mounts,
        gpuDeviceIds,
        healthCheck);
  }

  public ContainerSpec withGpuDeviceIds(List<String> gpuDeviceIds) {
    return new ContainerSpec(
        image,
        name,
        command,
        env,
        labels,
        memoryLimitBytes,
        nanoCpus,
        hostNetwork,
        mounts,
        gpuDeviceIds,
        healthCheck);
  }

  public ContainerSpec withHealthCheck(ContainerHealthCheck healthCheck) {
    return new ContainerSpec(
        image,
        name,
        command,
        env,
        labels,
        memoryLimitBytes,
        nanoCpus,
        hostNetwork,
        mounts,
        gpuDeviceIds,
        healthCheck);
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, was '" + value + "'");
    }
  }
}
