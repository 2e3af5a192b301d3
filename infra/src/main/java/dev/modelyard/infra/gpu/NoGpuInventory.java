package dev.modelyard.infra.gpu;

import java.util.List;

/** The inventory of a host without a usable NVIDIA driver: no devices, and the reason why. */
record NoGpuInventory(String status) implements GpuInventory {

  @Override
  public List<GpuDevice> devices() {
    return List.of();
  }
}
