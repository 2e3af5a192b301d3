package dev.modelyard.infra.gpu;

import java.util.List;

/**
 * The GPUs on this host. {@link GpuInventories#detect()} gives one whether or not the host has an
 * NVIDIA driver; without one it simply has no devices and its {@link #status()} says why.
 */
public interface GpuInventory extends AutoCloseable {

  /**
   * Reads every device now.
   *
   * @throws NvmlException when the driver fails a call for a reason other than an unsupported
   *     metric (a GPU fallen off the bus, say)
   */
  List<GpuDevice> devices();

  /** One line for logs and health: the library version and device count, or why there are none. */
  String status();

  /** Releases the driver library; the inventory reads nothing afterwards. */
  @Override
  default void close() {}
}
