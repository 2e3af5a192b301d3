package dev.modelyard.infra.gpu;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The host's GPU inventory. On a host without NVIDIA's driver it has no devices and start-up goes
 * on; the reason is logged once. NVML is shut down with the context.
 */
@AutoConfiguration
public class GpuAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  GpuInventory gpuInventory() {
    return GpuInventories.detect();
  }
}
