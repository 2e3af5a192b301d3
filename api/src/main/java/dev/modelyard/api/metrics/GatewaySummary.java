package dev.modelyard.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The gateway meters as JSON, since this process started: in all and per model (the cache hit rate
 * too: hits among the answers served, from the same counters, not the gauge's last minutes).
 * Latency percentiles come from the same histogram buckets Prometheus sees, so each is the upper
 * bound of the bucket it falls in (as {@code histogram_quantile} would give, without
 * interpolation); the maximum is the slowest request's bucket likewise. Not the timers' own
 * maximum: it forgets what is older than two minutes, and capped with it every figure fell to 0
 * after two quiet minutes.
 */
final class GatewaySummary {

  private final MeterRegistry meters;

  GatewaySummary(MeterRegistry meters) {
    this.meters = meters;
  }

  Report report() {
    Collection<Counter> requests = meters.find(GatewayMetrics.REQUESTS).counters();
    TreeSet<String> models = new TreeSet<>();
    requests.forEach(c -> models.add(c.getId().getTag("model")));
    List<ModelReport> perModel = models.stream().map(this::model).toList();
    long served =
        count(requests.stream().filter(c -> c.getId().getTag("status").startsWith("2")).toList());
    long hits = sum(perModel, ModelReport::cacheHits);
    return new Report(
        sum(perModel, ModelReport::requests),
        sum(perModel, ModelReport::errors),
        served == 0 ? 0 : (double) hits / served,
        sum(perModel, ModelReport::promptTokens),
        sum(perModel, ModelReport::completionTokens),
        perModel.stream().mapToDouble(ModelReport::costUsd).sum(),
        latency(meters.find(GatewayMetrics.RESPONSE_TIME).timers()),
        perModel);
  }

  private ModelReport model(String model) {
    var requests = meters.find(GatewayMetrics.REQUESTS).tag("model", model).counters();
    return new ModelReport(
        model,
        count(requests),
        count(requests.stream().filter(c -> c.getId().getTag("status").startsWith("5")).toList()),
        count(requests.stream().filter(c -> "hit".equals(c.getId().getTag("cache"))).toList()),
        count(meters.find(GatewayMetrics.TOKENS).tags("model", model, "type", "prompt").counters()),
        count(
            meters
                .find(GatewayMetrics.TOKENS)
                .tags("model", model, "type", "completion")
                .counters()),
        meters.find(GatewayMetrics.COST).tag("model", model).counters().stream()
            .mapToDouble(Counter::count)
            .sum(),
        latency(meters.find(GatewayMetrics.RESPONSE_TIME).tag("model", model).timers()));
  }

  /** Merges the timers' buckets (they share boundaries) and reads percentiles off them. */
  static Latency latency(Collection<Timer> timers) {
    long count = 0;
    double totalMillis = 0;
    // Only for requests slower than the last bucket (10 minutes), which fall in none. The timers'
    // maximum is what such a request took if it ended in the last two minutes; after that, the
    // last bucket's bound is the most that can be said (at least that long), never 0.
    double recentMaxMillis = 0;
    TreeMap<Double, Double> cumulative = new TreeMap<>();
    for (Timer timer : timers) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      count += snapshot.count();
      totalMillis += snapshot.total(TimeUnit.MILLISECONDS);
      recentMaxMillis = Math.max(recentMaxMillis, snapshot.max(TimeUnit.MILLISECONDS));
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        cumulative.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
    }
    if (count == 0) {
      return new Latency(0, 0, 0, 0, 0);
    }
    double beyondBuckets =
        cumulative.isEmpty() ? recentMaxMillis : Math.max(recentMaxMillis, cumulative.lastKey());
    return new Latency(
        totalMillis / count,
        percentile(cumulative, count, 0.50, beyondBuckets),
        percentile(cumulative, count, 0.95, beyondBuckets),
        percentile(cumulative, count, 0.99, beyondBuckets),
        percentile(cumulative, count, 1.0, beyondBuckets));
  }

  private static double percentile(
      Map<Double, Double> cumulative, long count, double quantile, double beyondBuckets) {
    double rank = quantile * count;
    for (var bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        return bucket.getKey();
      }
    }
    return beyondBuckets;
  }

  private static long count(Collection<Counter> counters) {
    return (long) counters.stream().mapToDouble(Counter::count).sum();
  }

  private static long sum(List<ModelReport> models, ToLongFunction<ModelReport> f) {
    return models.stream().mapToLong(f).sum();
  }

  record Report(
      long requests,
      long errors,
      double cacheHitRate,
      long promptTokens,
      long completionTokens,
      double costUsd,
      Latency latencyMs,
      List<ModelReport> models) {}

  /**
   * @param errors requests answered with a 5xx
   */
  record ModelReport(
      String model,
      long requests,
      long errors,
      long cacheHits,
      long promptTokens,
      long completionTokens,
      double costUsd,
      Latency latencyMs) {}

  record Latency(double mean, double p50, double p95, double p99, double max) {}
}
