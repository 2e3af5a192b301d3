package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewaySummaryTests {

  private final MockClock clock = new MockClock();

  @Test
  void latencySinceStartOutlivesTheTimersTwoMinuteMaximum() {
    Timer timer = responseTime();
    for (int i = 0; i < 98; i++) {
      timer.record(Duration.ofMillis(40));
    }
    timer.record(Duration.ofMillis(900));
    timer.record(Duration.ofMillis(900));

    clock.add(Duration.ofMinutes(3));
    GatewaySummary.Latency latency = GatewaySummary.latency(List.of(timer));

    // Each figure is its bucket's upper bound: within about a tenth above the value.
    assertThat(latency.p50()).isBetween(40.0, 45.0);
    assertThat(latency.p99()).isBetween(900.0, 1000.0);
    assertThat(latency.max()).isBetween(900.0, 1000.0);
    assertThat(latency.mean()).isEqualTo((98 * 40 + 2 * 900) / 100.0);
  }

  @Test
  void aRequestSlowerThanTheLastBucketIsAtLeastThatLongLongAfterItEnded() {
    Timer timer = responseTime();
    timer.record(Duration.ofMillis(40));
    timer.record(Duration.ofMinutes(15));

    assertThat(GatewaySummary.latency(List.of(timer)).max())
        .as("within the timers' two minutes: what it took")
        .isEqualTo(Duration.ofMinutes(15).toMillis());
    clock.add(Duration.ofMinutes(3));
    GatewaySummary.Latency latency = GatewaySummary.latency(List.of(timer));

    // It was 0 once the timers' maximum had forgotten it.
    assertThat(latency.max()).isGreaterThanOrEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(latency.p99()).isEqualTo(latency.max());
    assertThat(latency.p50()).isBetween(40.0, 45.0);
  }

  private Timer responseTime() {
    return Timer.builder("llm.response.time")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        // Prometheus's registry, as the API's: its buckets count since start.
        .register(
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock));
  }
}
