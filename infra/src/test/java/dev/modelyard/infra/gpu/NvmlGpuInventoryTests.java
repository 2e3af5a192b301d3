package dev.modelyard.infra.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * NVML itself, never imitated: without the driver library we check the failure; with it (a GPU
 * host, or scripts/gpu-check.sh on one) we check what the driver reports.
 */
class NvmlGpuInventoryTests {

  @Test
  @EnabledIf("dev.modelyard.infra.gpu.NvidiaLibrary#absent")
  void openingWithoutTheDriverLibraryFailsNamingTheLibrary() {
    assertThatThrownBy(NvmlGpuInventory::open)
        .isInstanceOfSatisfying(
            NvmlException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(NvmlReturn.ERROR_LIBRARY_NOT_FOUND);
              assertThat(e.function()).isEqualTo("dlopen");
            })
        .hasMessage("no NVIDIA library: libnvidia-ml.so.1 not found");
  }

  @Test
  @EnabledIf("dev.modelyard.infra.gpu.NvidiaLibrary#absent")
  void detectGivesNoDevicesAndNamesTheMissingLibrary() {
    try (GpuInventory inventory = GpuInventories.detect()) {
      assertThat(inventory.devices()).isEmpty();
      assertThat(inventory.status()).isEqualTo("no NVIDIA library: libnvidia-ml.so.1 not found");
    }
  }

  @Test
  @Tag("gpu")
  void readsEveryDeviceTheDriverReports() {
    try (GpuInventory inventory = GpuInventories.detect()) {
      assertThat(inventory.status()).startsWith("NVML ");
      for (GpuDevice device : inventory.devices()) {
        assertThat(device.uuid()).startsWith("GPU-");
        assertThat(device.name()).isNotBlank();
        assertThat(device.memoryTotalBytes()).isPositive();
        assertThat(device.memoryFreeBytes()).isBetween(0L, device.memoryTotalBytes());
      }
    }
  }

  @Test
  @Tag("gpu")
  void readingAfterCloseIsRefused() {
    GpuInventory inventory = NvmlGpuInventory.open();
    inventory.close();

    assertThatThrownBy(inventory::devices).isInstanceOf(IllegalStateException.class);
  }
}
