package dev.modelyard.infra.gpu;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/** Finds the GPU inventory this host can offer. */
public final class GpuInventories {

  private static final Logger LOG = System.getLogger(GpuInventories.class.getName());
  private static final AtomicBoolean STATUS_LOGGED = new AtomicBoolean();

  private GpuInventories() {}

  /**
   * The NVML inventory when NVIDIA's driver is usable, else one with no devices whose status says
   * why. Never throws for a missing or broken driver: a host without GPUs is a normal host. The
   * status is logged once per JVM, at INFO, however often this is called.
   */
  public static GpuInventory detect() {
    return detect(LOG, STATUS_LOGGED);
  }

  static GpuInventory detect(Logger log, AtomicBoolean statusLogged) {
    GpuInventory inventory = open();
    if (statusLogged.compareAndSet(false, true)) {
      log.log(Level.INFO, "GPU inventory: " + inventory.status());
    }
    return inventory;
  }

  private static GpuInventory open() {
    try {
      return NvmlGpuInventory.open();
    } catch (NvmlException e) {
      return new NoGpuInventory(
          e.reason() == NvmlReturn.ERROR_LIBRARY_NOT_FOUND
              ? e.getMessage()
              : "NVML unavailable: " + e.getMessage());
    } catch (IllegalCallerException e) {
      // Thrown by the FFM API under --illegal-native-access=deny.
      return new NoGpuInventory(
          "native access denied: run java with --enable-native-access=ALL-UNNAMED");
    }
  }
}
