package dev.modelyard.api.metrics;

import dev.modelyard.infra.gpu.GpuDevice;
import dev.modelyard.infra.gpu.GpuInventory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * This host's GPUs through NVML: {@code llm_gpu_utilization} (percent), {@code
 * llm_gpu_memory_used_bytes} and {@code llm_gpu_memory_total_bytes}. A metric a device does not
 * support (NVML's -1) is left out rather than exported as -1. A host without GPUs has no rows.
 */
final class GpuGauges implements PolledMetrics {

  private final GpuInventory gpus;
  private final MultiGauge utilization;
  private final MultiGauge memoryUsed;
  private final MultiGauge memoryTotal;

  GpuGauges(GpuInventory gpus, MeterRegistry meters) {
    this.gpus = gpus;
    this.utilization =
        MultiGauge.builder("llm.gpu.utilization")
            .description("GPU utilisation in percent")
            .register(meters);
    this.memoryUsed =
        MultiGauge.builder("llm.gpu.memory.used")
            .description("GPU memory in use")
            .baseUnit("bytes")
            .register(meters);
    this.memoryTotal =
        MultiGauge.builder("llm.gpu.memory.total")
            .description("GPU memory in all")
            .baseUnit("bytes")
            .register(meters);
  }

  @Override
  public String source() {
    return "NVML";
  }

  @Override
  public void poll() {
    List<GpuDevice> devices = gpus.devices();
    utilization.register(rows(devices, GpuDevice::utilizationGpuPercent), true);
    memoryUsed.register(rows(devices, GpuDevice::memoryUsedBytes), true);
    memoryTotal.register(rows(devices, GpuDevice::memoryTotalBytes), true);
  }

  private static List<MultiGauge.Row<?>> rows(
      List<GpuDevice> devices, ToDoubleFunction<GpuDevice> value) {
    return devices.stream()
        .filter(device -> value.applyAsDouble(device) >= 0)
        .<MultiGauge.Row<?>>map(
            device ->
                MultiGauge.Row.of(
                    Tags.of(
                        "gpu", Integer.toString(device.index()),
                        "uuid", device.uuid(),
                        "name", device.name()),
                    value.applyAsDouble(device)))
        .toList();
  }
}
