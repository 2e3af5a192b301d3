package dev.modelyard.infra.autoscaling;

import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.models.ModelRef;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The load the gateway publishes, in PostgreSQL: each API replica appends what it saw of each model
 * every few seconds, and the autoscaler sums what every replica saw over its window. Times are the
 * database's, so that the clocks of API and worker machines never need to agree.
 */
public class LoadSamples {

  private final JdbcClient jdbc;

  public LoadSamples(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  /**
   * Appends one window's samples from {@code source} (the API replica), ending now, and marks the
   * active instances of each model that was called, or was serving a call begun earlier (a long
   * stream), as used now: the cleanup cron unloads models whose instances have gone unused for its
   * idle TTL.
   */
  public void publish(String source, List<LoadSample> samples) {
    for (LoadSample sample : samples) {
      if (sample.requests() > 0 || sample.busy().isPositive()) {
        jdbc.sql(
                """
                update model_instances i set last_used_at = now()
                from models m
                where i.model_id = m.model_id and m.provider = :provider
                  and lower(m.name) = lower(:model)
                  and i.state in ('starting', 'ready', 'unhealthy')
                """)
            .param("provider", sample.provider())
            .param("model", sample.modelName())
            .update();
      }
      jdbc.sql(
              """
              insert into model_load_samples (source, provider, model_name, window_millis,
                  busy_millis, requests, latency_buckets)
              values (:source, :provider, :model, :window, :busy, :requests,
                  cast(:buckets as bigint[]))
              """)
          .param("source", source)
          .param("provider", sample.provider())
          .param("model", sample.modelName())
          .param("window", Math.max(1, sample.window().toMillis()))
          .param("busy", sample.busy().toMillis())
          .param("requests", sample.requests())
          .param("buckets", arrayLiteral(sample.latencies().counts()))
          .update();
    }
  }

  /** The model's load over the last {@code window}, summed over every replica that published. */
  public LoadSummary summarize(ModelRef model, Duration window) {
    List<Row> rows =
        jdbc.sql(
                """
                select busy_millis, requests, latency_buckets from model_load_samples
                where provider = :provider and lower(model_name) = lower(:model)
                  and window_end > now() - make_interval(secs => :seconds)
                """)
            .param("provider", model.provider().wireName())
            .param("model", model.name())
            .param("seconds", window.toMillis() / 1000.0)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getLong("busy_millis"),
                        rs.getLong("requests"),
                        longs(rs.getArray("latency_buckets"))))
            .list();
    if (rows.isEmpty()) {
      return LoadSummary.NONE;
    }
    LatencyHistogram latencies = new LatencyHistogram();
    long busy = 0;
    long requests = 0;
    for (Row row : rows) {
      busy += row.busyMillis();
      requests += row.requests();
      latencies.add(LatencyHistogram.of(row.buckets()));
    }
    return new LoadSummary(
        (double) busy / Math.max(1, window.toMillis()), requests, latencies.percentile(0.95));
  }

  /** Deletes samples older than {@code retention}; returns how many. */
  public int prune(Duration retention) {
    return jdbc.sql(
            "delete from model_load_samples where window_end < now() - make_interval(secs => ?)")
        .param(retention.toSeconds())
        .update();
  }

  private static String arrayLiteral(long[] counts) {
    return Arrays.stream(counts)
        .mapToObj(Long::toString)
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static long[] longs(Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    long[] longs = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      longs[i] = ((Number) values[i]).longValue();
    }
    return longs;
  }

  private record Row(long busyMillis, long requests, long[] buckets) {}
}
