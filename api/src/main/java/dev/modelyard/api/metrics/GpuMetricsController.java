package dev.modelyard.api.metrics;

import dev.modelyard.infra.gpu.GpuDevice;
import dev.modelyard.infra.gpu.GpuInventory;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** This host's GPUs as NVML reports them; an empty list (and why) on a machine without any. */
@RestController
class GpuMetricsController {

  private final GpuInventory gpus;

  GpuMetricsController(GpuInventory gpus) {
    this.gpus = gpus;
  }

  @GetMapping("/api/v1/local-llm/metrics/gpu")
  GpuReport gpu() {
    return new GpuReport(gpus.status(), gpus.devices());
  }

  record GpuReport(String status, List<GpuDevice> devices) {}
}
