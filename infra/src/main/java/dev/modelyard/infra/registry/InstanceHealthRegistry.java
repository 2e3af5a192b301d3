package dev.modelyard.infra.registry;

import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.health.HealthRecord;
import dev.modelyard.workflows.health.InstanceToCheck;
import dev.modelyard.workflows.health.RestartTarget;
import dev.modelyard.workflows.models.Provider;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The registry's health side in PostgreSQL: scores and states of instances, restarts, and the
 * {@code instance_events} log. Every write is conditional on the state it expects, so that a health
 * round, a restart and an unload never undo one another.
 */
public class InstanceHealthRegistry {

  public static final String BECAME_UNHEALTHY = "unhealthy";
  public static final String RECOVERED = "ready";
  public static final String RESTART_STARTED = "restart-started";
  public static final String RESTART_ATTEMPT_FAILED = "restart-attempt-failed";
  public static final String RESTARTED = "restarted";
  public static final String RESTART_FAILED = "restart-failed";
  public static final String CONTAINER_GONE = "container-gone";

  private static final int DETAIL_LIMIT = 1_000;

  private final JdbcClient jdbc;

  public InstanceHealthRegistry(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Ready and unhealthy instances, and those that have been starting for longer than given. */
  public List<InstanceToCheck> instancesToCheck(Duration startingTooLong) {
    return jdbc.sql(
            """
            select i.instance_id, m.name, i.host_id, i.endpoint, i.state, m.provider
            from model_instances i join models m using (model_id)
            where i.state in ('ready', 'unhealthy')
               or (i.state = 'starting' and i.updated_at < now() - make_interval(secs => :seconds))
            order by i.instance_id
            """)
        .param("seconds", startingTooLong.toMillis() / 1000.0)
        .query(
            (rs, n) ->
                new InstanceToCheck(
                    rs.getString("instance_id"),
                    rs.getString("name"),
                    rs.getString("host_id"),
                    rs.getString("endpoint"),
                    rs.getString("state"),
                    rs.getString("provider")))
        .list();
  }

  /**
   * Stores score and state of an instance that is still ready or unhealthy, and logs a change
   * between the two as an event, in one statement.
   */
  public void recordHealth(HealthRecord record) {
    jdbc.sql(
            """
            with before as (
                select instance_id, state from model_instances
                where instance_id = :instanceId and state in ('ready', 'unhealthy')
                for update
            ), changed as (
                update model_instances i
                set health_score = :score, state = :state, updated_at = now()
                from before where i.instance_id = before.instance_id
                returning i.instance_id, before.state as old_state, i.state as new_state
            )
            insert into instance_events (instance_id, kind, detail)
            select instance_id, new_state, :detail from changed where old_state <> new_state
            """)
        .param("instanceId", record.instanceId())
        .param("score", Math.max(0, Math.min(100, record.score())))
        .param("state", record.state())
        .param("detail", clip(record.detail()))
        .update();
  }

  /** What a restart needs; empty when the instance is gone, stopped, failed, or not ours to run. */
  public Optional<RestartTarget> restartTarget(String instanceId) {
    return jdbc.sql(
            """
            select i.instance_id, i.model_id, i.host_id, m.location, m.provider,
                   i.context_length, i.cpu_threads, i.parallel_slots, i.memory_bytes,
                   i.gpu_device_ids, i.deployment
            from model_instances i join models m using (model_id)
            where i.instance_id = :instanceId and i.state in ('starting', 'ready', 'unhealthy')
              and m.location is not null
            """)
        .param("instanceId", instanceId)
        .query(
            (rs, n) ->
                new RestartTarget(
                    rs.getString("instance_id"),
                    rs.getString("model_id"),
                    rs.getString("host_id"),
                    rs.getString("location"),
                    new ResourceRequirements(
                        rs.getObject("context_length", Integer.class),
                        rs.getObject("cpu_threads", Integer.class),
                        rs.getObject("parallel_slots", Integer.class),
                        gpuDeviceIds(rs.getArray("gpu_device_ids")),
                        rs.getObject("memory_bytes", Long.class)),
                    Provider.fromWireName(rs.getString("provider")).orElse(null),
                    rs.getString("deployment")))
        .optional();
  }

  /**
   * Takes the instance out of routing while it restarts; false when it was stopped meanwhile.
   *
   * @param eventKey the same for every try of one call (see {@link #changeAndLog}), or null
   */
  public boolean recordRestarting(String instanceId, String reason, String eventKey) {
    return changeAndLog(
            """
            update model_instances set state = 'starting', updated_at = now()
            where instance_id = :instanceId and state in ('starting', 'ready', 'unhealthy')
            returning instance_id
            """,
            instanceId,
            null,
            RESTART_STARTED,
            reason,
            true,
            eventKey)
        > 0;
  }

  /**
   * The instance's container was gone when its host's worker started: it is marked unhealthy with a
   * score of 0 (so that routing prefers any other instance) and the event says why. The health loop
   * then finds its endpoint dead and restarts it. False when it was not ready or unhealthy.
   */
  public boolean recordContainerGone(String instanceId, String detail) {
    return changeAndLog(
            """
            update model_instances set state = 'unhealthy', health_score = 0, updated_at = now()
            where instance_id = :instanceId and state in ('ready', 'unhealthy')
            returning instance_id
            """,
            instanceId,
            null,
            CONTAINER_GONE,
            detail,
            true,
            null)
        > 0;
  }

  /** Logs the failed attempt and keeps the restart from looking stuck to the health loop. */
  public void recordRestartAttemptFailed(String instanceId, String detail, String eventKey) {
    changeAndLog(
        """
        update model_instances set updated_at = now()
        where instance_id = :instanceId and state = 'starting'
        returning instance_id
        """,
        instanceId,
        null,
        RESTART_ATTEMPT_FAILED,
        detail,
        false,
        eventKey);
  }

  /**
   * Ready again at its new endpoint, full score; false when it was unloaded meanwhile. True, with
   * no second event, when it is already ready there: the retry of a call whose answer was lost.
   */
  public boolean recordRestarted(
      String instanceId, String endpoint, String detail, String eventKey) {
    return changeAndLog(
                """
            update model_instances set state = 'ready', endpoint = :endpoint,
                health_score = 100, failure_reason = null, updated_at = now()
            where instance_id = :instanceId and state = 'starting'
            returning instance_id
            """,
                instanceId,
                endpoint,
                RESTARTED,
                detail,
                true,
                eventKey)
            > 0
        || ReadyAt.endpoint(jdbc, instanceId, endpoint);
  }

  /** The restart gave up: failed, score 0, and why, on the instance and in its events. */
  public void recordRestartFailed(String instanceId, String reason, String eventKey) {
    changeAndLog(
        """
        update model_instances set state = 'failed', health_score = 0,
            failure_reason = :detail, updated_at = now()
        where instance_id = :instanceId and state in ('starting', 'ready', 'unhealthy')
        returning instance_id
        """,
        instanceId,
        null,
        RESTART_FAILED,
        reason,
        false,
        eventKey);
  }

  /**
   * Runs {@code update} and logs the event in the same statement, so that neither lands without the
   * other; returns the rows updated. With {@code onlyIfChanged}, no row updated means no event. An
   * event whose {@code eventKey} is already logged is not logged again: the key names one call of
   * an activity (its workflow, run and activity IDs), the same for each of its tries, so a retry of
   * a call that committed changes the row as before but adds no second event.
   */
  private int changeAndLog(
      String update,
      String instanceId,
      String endpoint,
      String kind,
      String detail,
      boolean onlyIfChanged,
      String eventKey) {
    String insert =
        onlyIfChanged
            ? "select instance_id, :kind, :detail, :eventKey from changed"
            // Rows are kept for history, but a deleted model takes its instances along.
            : "select :instanceId, :kind, :detail, :eventKey where exists"
                + " (select 1 from model_instances where instance_id = :instanceId)";
    JdbcClient.StatementSpec statement =
        jdbc.sql(
                "with changed as ("
                    + update
                    + "), logged as (insert into instance_events"
                    + " (instance_id, kind, detail, event_key) "
                    + insert
                    + " on conflict (event_key) do nothing returning 1)"
                    + " select count(*) from changed")
            .param("instanceId", instanceId)
            .param("kind", kind)
            .param("detail", clip(detail))
            .param("eventKey", eventKey, Types.VARCHAR);
    if (endpoint != null) {
      statement = statement.param("endpoint", endpoint);
    }
    return statement.query(Integer.class).single();
  }

  public void recordEvent(String instanceId, String kind, String detail) {
    jdbc.sql(
            "insert into instance_events (instance_id, kind, detail) values (:instanceId, :kind, :detail)")
        .param("instanceId", instanceId)
        .param("kind", kind)
        .param("detail", clip(detail))
        .update();
  }

  /** The instance's events, oldest first. */
  public List<InstanceHealthEvent> events(String instanceId) {
    return jdbc.sql(
            """
            select instance_id, at, kind, detail from instance_events
            where instance_id = :instanceId order by at, event_id
            """)
        .param("instanceId", instanceId)
        .query(
            (rs, n) ->
                new InstanceHealthEvent(
                    rs.getString("instance_id"),
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("kind"),
                    rs.getString("detail")))
        .list();
  }

  private static List<String> gpuDeviceIds(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  private static String clip(String text) {
    return text == null || text.length() <= DETAIL_LIMIT
        ? text
        : text.substring(0, DETAIL_LIMIT) + "…";
  }
}
