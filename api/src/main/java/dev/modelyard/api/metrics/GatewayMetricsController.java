package dev.modelyard.api.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Generation requests, errors, latency percentiles, tokens and cost, in all and per model. */
@RestController
class GatewayMetricsController {

  private final GatewaySummary summary;

  GatewayMetricsController(MeterRegistry meters) {
    this.summary = new GatewaySummary(meters);
  }

  @GetMapping("/api/v1/local-llm/metrics/gateway")
  GatewaySummary.Report gateway() {
    return summary.report();
  }
}
