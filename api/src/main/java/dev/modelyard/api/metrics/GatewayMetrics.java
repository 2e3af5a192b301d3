package dev.modelyard.api.metrics;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.api.gateway.GenerationOutcome;
import dev.modelyard.api.gateway.PlannedModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's meters, fed one finished generation request at a time. A failed request has no
 * {@link GenerationOutcome}: it counts under the model it was routed to first ({@link
 * PlannedModel}), or under model and provider {@code unknown} when it failed before one was chosen
 * (refused, malformed, or no instance of the model asked for nor of its fallbacks), so the error
 * rate sees it either way. The cache hit rate is worked out here from the outcomes' {@code cached}
 * flag, over the last few minutes.
 */
final class GatewayMetrics {

  static final String REQUESTS = "llm.requests";
  static final String RESPONSE_TIME = "llm.response.time";
  static final String TIME_TO_FIRST_TOKEN = "llm.time.to.first.token";
  static final String TOKENS = "llm.tokens";
  static final String COST = "llm.cost.usd";
  static final String CACHE_HIT_RATE = "llm.cache.hit.rate";
  static final String UNKNOWN = "unknown";

  /** How far back the cache hit rate looks. */
  static final Duration CACHE_HIT_RATE_WINDOW = Duration.ofMinutes(5);

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
  private final RecentRatio cacheHits;
  // Bounded by the models served (and the statuses seen): the same as the meters themselves.
  private final Map<RequestKind, Counter> requests = new ConcurrentHashMap<>();
  private final Map<ModelKey, ModelMeters> models = new ConcurrentHashMap<>();

  GatewayMetrics(MeterRegistry registry, Ticker ticker) {
    this.registry = registry;
    this.cacheHits = new RecentRatio(CACHE_HIT_RATE_WINDOW, ticker);
    Gauge.builder(CACHE_HIT_RATE, this, GatewayMetrics::cacheHitRate)
        .description(
            "Share of served generations answered from the cache over the last "
                + CACHE_HIT_RATE_WINDOW.toMinutes()
                + " minutes, on this API replica")
        .register(registry);
  }

  /**
   * @param outcome what was served; null when the request failed
   * @param planned the model the request was routed to first; null when none was chosen
   */
  void record(int status, long latencyNanos, GenerationOutcome outcome, PlannedModel planned) {
    PlannedModel routed = PlannedModel.answering(outcome, planned);
    String model = routed != null ? routed.model() : UNKNOWN;
    String provider = routed != null ? routed.provider() : UNKNOWN;
    boolean cached = outcome != null && outcome.cached();
    requests
        .computeIfAbsent(new RequestKind(model, provider, status, cached), this::requestCounter)
        .increment();
    ModelMeters meters = models.computeIfAbsent(new ModelKey(model, provider), this::modelMeters);
    meters.responseTime().record(latencyNanos, TimeUnit.NANOSECONDS);
    if (outcome == null) {
      return;
    }
    cacheHits.record(outcome.cached());
    if (outcome.streamed() && outcome.firstTokenNanos() >= 0) {
      meters.timeToFirstToken().record(outcome.firstTokenNanos(), TimeUnit.NANOSECONDS);
    }
    if (outcome.promptTokens() > 0) {
      meters.promptTokens().increment(outcome.promptTokens());
    }
    if (outcome.completionTokens() > 0) {
      meters.completionTokens().increment(outcome.completionTokens());
    }
    if (outcome.costUsd() != null && outcome.costUsd().signum() > 0) {
      meters.cost().increment(outcome.costUsd().doubleValue());
    }
  }

  double cacheHitRate() {
    return cacheHits.ratio();
  }

  private Counter requestCounter(RequestKind kind) {
    return Counter.builder(REQUESTS)
        .description("Generation requests by model, provider, HTTP status and cache use")
        .tag("model", kind.model())
        .tag("provider", kind.provider())
        .tag("status", Integer.toString(kind.status()))
        .tag("cache", kind.cached() ? "hit" : "miss")
        .register(registry);
  }

  private ModelMeters modelMeters(ModelKey key) {
    return new ModelMeters(
        histogram(RESPONSE_TIME, "Time to the whole answer", key),
        histogram(TIME_TO_FIRST_TOKEN, "Time to a stream's first event", key),
        tokens("prompt", key.model()),
        tokens("completion", key.model()),
        Counter.builder(COST)
            .description("What generations cost, in US dollars")
            .tag("model", key.model())
            .tag("provider", key.provider())
            .register(registry));
  }

  private Counter tokens(String type, String model) {
    return Counter.builder(TOKENS)
        .description("Tokens processed, by type (prompt or completion) and model")
        .tag("type", type)
        .tag("model", model)
        .register(registry);
  }

  private Timer histogram(String name, String description, ModelKey key) {
    return Timer.builder(name)
        .description(description)
        .tag("model", key.model())
        .tag("provider", key.provider())
        .publishPercentileHistogram()
        .serviceLevelObjectives(SLOS)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }

  private record RequestKind(String model, String provider, int status, boolean cached) {}

  private record ModelKey(String model, String provider) {}

  /** A model's meters, looked up once: building a meter on every request costs the hot path. */
  private record ModelMeters(
      Timer responseTime,
      Timer timeToFirstToken,
      Counter promptTokens,
      Counter completionTokens,
      Counter cost) {}
}
