package dev.modelyard.workflows.placement;

/**
 * One place a model can go: a GPU (by its UUID and NVML index) or, on a host without GPUs, the
 * host's RAM ({@link #CPU}, index -1). {@code capacityBytes} is what Modelyard may use there;
 * {@code reservedBytes} what reservations already hold.
 */
public record DeviceMemory(
    String hostId, String deviceId, int index, long capacityBytes, long reservedBytes) {

  /** The device ID of a host's RAM. */
  public static final String CPU = "cpu";

  public DeviceMemory {
    if (hostId == null || hostId.isBlank() || deviceId == null || deviceId.isBlank()) {
      throw new IllegalArgumentException("a device needs a host and a device ID");
    }
    if (capacityBytes < 0 || reservedBytes < 0) {
      throw new IllegalArgumentException(
          "memory must not be negative: capacity %d, reserved %d on %s/%s"
              .formatted(capacityBytes, reservedBytes, hostId, deviceId));
    }
  }

  /** A host's RAM. */
  public static DeviceMemory ram(String hostId, long capacityBytes, long reservedBytes) {
    return new DeviceMemory(hostId, CPU, -1, capacityBytes, reservedBytes);
  }

  public boolean isGpu() {
    return !CPU.equals(deviceId);
  }

  /** Never negative, even when a host reported less memory than is already reserved on it. */
  public long freeBytes() {
    return Math.max(0, capacityBytes - reservedBytes);
  }

  /**
   * A GPU is named by its UUID (in any case: hex digits are) or by its index on its host, as {@code
   * gpu_device_ids} allow.
   */
  boolean isNamed(String id) {
    return isGpu() && (deviceId.equalsIgnoreCase(id) || Integer.toString(index).equals(id));
  }

  String label() {
    return isGpu() ? hostId + " GPU " + index + " (" + deviceId + ")" : hostId + " RAM";
  }
}
