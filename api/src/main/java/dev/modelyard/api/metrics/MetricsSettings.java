package dev.modelyard.api.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code modelyard.metrics.*}.
 *
 * @param pollInterval how often the gauges read from the registry, NVML and Temporal are refreshed
 */
@ConfigurationProperties("modelyard.metrics")
record MetricsSettings(@DefaultValue("15s") Duration pollInterval) {}
