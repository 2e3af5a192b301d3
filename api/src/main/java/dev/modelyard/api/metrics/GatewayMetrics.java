package dev.modelyard.api.metrics;

import dev.modelyard.api.gateway.GenerationOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's meters, fed one finished generation request at a time. A failed request has no
 * {@link GenerationOutcome}: it counts under model and provider {@code unknown}, so the error rate
 * sees it. The cache hit rate is worked out here from the outcomes' {@code cached} flag.
 */
final class GatewayMetrics {

  static final String REQUESTS = "llm.requests";
  static final String RESPONSE_TIME = "llm.response.time";
  static final String TIME_TO_FIRST_TOKEN = "llm.time.to.first.token";
  static final String TOKENS = "llm.tokens";
  static final String COST = "llm.cost.usd";
  static final String CACHE_HIT_RATE = "llm.cache.hit.rate";
  static final String UNKNOWN = "unknown";

  /** Boundaries that the alert rules and dashboards rely on (30 s: the slow-response alert). */
  private static final Duration[] SLOS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(CACHE_HIT_RATE, this, GatewayMetrics::cacheHitRate)
        .description("Share of served generations answered from the cache, since start")
        .register(registry);
  }

  void record(int status, long latencyNanos, GenerationOutcome outcome) {
    String model = outcome == null ? UNKNOWN : outcome.model();
    String provider = outcome == null ? UNKNOWN : outcome.provider();
    Counter.builder(REQUESTS)
        .description("Generation requests by model, provider, HTTP status and cache use")
        .tag("model", model)
        .tag("provider", provider)
        .tag("status", Integer.toString(status))
        .tag("cache", outcome != null && outcome.cached() ? "hit" : "miss")
        .register(registry)
        .increment();
    histogram(RESPONSE_TIME, "Time to the whole answer", model, provider)
        .record(latencyNanos, TimeUnit.NANOSECONDS);
    if (outcome == null) {
      return;
    }
    served.incrementAndGet();
    if (outcome.cached()) {
      cacheHits.incrementAndGet();
    }
    if (outcome.streamed() && outcome.firstTokenNanos() >= 0) {
      histogram(TIME_TO_FIRST_TOKEN, "Time to a stream's first event", model, provider)
          .record(outcome.firstTokenNanos(), TimeUnit.NANOSECONDS);
    }
    tokens("prompt", model, outcome.promptTokens());
    tokens("completion", model, outcome.completionTokens());
    if (outcome.costUsd() != null && outcome.costUsd().signum() > 0) {
      Counter.builder(COST)
          .description("What generations cost, in US dollars")
          .tag("model", model)
          .tag("provider", provider)
          .register(registry)
          .increment(outcome.costUsd().doubleValue());
    }
  }

  double cacheHitRate() {
    long total = served.get();
    return total == 0 ? 0 : (double) cacheHits.get() / total;
  }

  private void tokens(String type, String model, int count) {
    Counter counter =
        Counter.builder(TOKENS)
            .description("Tokens processed, by type (prompt or completion) and model")
            .tag("type", type)
            .tag("model", model)
            .register(registry);
    if (count > 0) {
      counter.increment(count);
    }
  }

  private Timer histogram(String name, String description, String model, String provider) {
    return Timer.builder(name)
        .description(description)
        .tag("model", model)
        .tag("provider", provider)
        .publishPercentileHistogram()
        .serviceLevelObjectives(SLOS)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }
}
