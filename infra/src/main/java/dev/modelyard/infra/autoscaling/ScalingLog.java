package dev.modelyard.infra.autoscaling;

import dev.modelyard.workflows.autoscaling.ScalingRecord;
import dev.modelyard.workflows.models.ModelRef;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every scaling decision and policy change of every deployment, with its reason. Recording the same
 * decision twice (a retried activity) keeps one row.
 */
public class ScalingLog {

  private final JdbcClient jdbc;

  public ScalingLog(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  public void record(ScalingRecord decision) {
    jdbc.sql(
            """
            insert into scaling_decisions (provider, model_name, decided_at, trigger,
                from_replicas, to_replicas, reason, average_in_flight, requests, p95_latency_ms)
            values (:provider, :model, :at, :trigger, :from, :to, :reason, :inFlight, :requests,
                :p95)
            on conflict do nothing
            """)
        .param("provider", decision.model().provider().wireName())
        .param("model", decision.model().name())
        .param("at", Timestamp.from(Instant.ofEpochMilli(decision.atEpochMillis())))
        .param("trigger", decision.trigger())
        .param("from", decision.fromReplicas())
        .param("to", decision.toReplicas())
        .param("reason", decision.reason())
        .param("inFlight", decision.load() == null ? null : decision.load().averageInFlight())
        .param("requests", decision.load() == null ? null : decision.load().requests())
        .param(
            "p95",
            decision.load() == null || decision.load().p95Latency() == null
                ? null
                : decision.load().p95Latency().toMillis())
        .update();
  }

  /** The model's latest decisions, newest first. */
  public List<LoggedDecision> latest(ModelRef model, int limit) {
    return jdbc.sql(
            """
            select decided_at, trigger, from_replicas, to_replicas, reason from scaling_decisions
            where provider = :provider and lower(model_name) = lower(:model)
            order by decided_at desc, decision_id desc limit :limit
            """)
        .param("provider", model.provider().wireName())
        .param("model", model.name())
        .param("limit", limit)
        .query(
            (rs, n) ->
                new LoggedDecision(
                    rs.getTimestamp("decided_at").toInstant(),
                    rs.getString("trigger"),
                    rs.getInt("from_replicas"),
                    rs.getInt("to_replicas"),
                    rs.getString("reason")))
        .list();
  }

  /** One row of the scaling log. */
  public record LoggedDecision(
      Instant decidedAt, String trigger, int fromReplicas, int toReplicas, String reason) {}
}
