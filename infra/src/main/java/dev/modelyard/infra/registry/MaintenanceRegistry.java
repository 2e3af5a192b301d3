package dev.modelyard.infra.registry;

import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.maintenance.ActiveInstance;
import dev.modelyard.workflows.maintenance.DiscoveredInstance;
import dev.modelyard.workflows.maintenance.DiscoveryApplied;
import dev.modelyard.workflows.maintenance.DiscoveryPlan;
import dev.modelyard.workflows.maintenance.ModelEntry;
import dev.modelyard.workflows.maintenance.RetainedRecords;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionOperations;

/** The registry's side of discovery and cleanup. */
public class MaintenanceRegistry {

  private final JdbcClient jdbc;
  private final TransactionOperations transactions;

  public MaintenanceRegistry(JdbcClient jdbc, TransactionOperations transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  public List<ModelEntry> models() {
    return jdbc.sql("select * from models order by provider, name")
        .query(
            (rs, n) ->
                new ModelEntry(
                    rs.getString("provider"),
                    rs.getString("name"),
                    rs.getString("host_id"),
                    rs.getString("location"),
                    rs.getString("format"),
                    rs.getString("architecture"),
                    rs.getObject("parameter_count", Long.class),
                    rs.getString("quantisation"),
                    rs.getObject("context_length", Integer.class),
                    rs.getObject("size_bytes", Long.class),
                    rs.getString("sha256")))
        .list();
  }

  /** The hosts alive now, as {@link ModelRegistry#hostIds()} says. */
  public List<String> hostIds() {
    return jdbc.sql(ModelRegistry.LIVE_HOSTS)
        .param("silence", ModelRegistry.HOST_SILENCE.toSeconds())
        .query(String.class)
        .list();
  }

  /**
   * Adds and updates the plan's models, records the reported instances ready and the instances an
   * instance source created earlier but no longer reports stopped; all or nothing.
   */
  public DiscoveryApplied apply(DiscoveryPlan plan) {
    return transactions.execute(
        status -> {
          plan.toAdd().forEach(this::addIfAbsent);
          if (plan.toUpdateAsRead() != null) {
            for (int i = 0; i < plan.toUpdate().size(); i++) {
              updateIfUnchanged(plan.toUpdateAsRead().get(i), plan.toUpdate().get(i));
            }
          }
          int recorded = 0;
          for (DiscoveredInstance instance : plan.instances()) {
            recorded += recordDiscovered(instance);
          }
          int stopped = 0;
          for (String source : plan.instanceSources()) {
            List<String> reported =
                plan.instances().stream().map(DiscoveredInstance::instanceId).toList();
            for (String gone : discoveredInstancesOf(source)) {
              if (!reported.contains(gone)) {
                stopped +=
                    jdbc.sql(
                            """
                            update model_instances set state = 'stopped', updated_at = now()
                            where instance_id = :instanceId
                            """)
                        .param("instanceId", gone)
                        .update();
              }
            }
          }
          return new DiscoveryApplied(recorded, stopped);
        });
  }

  /** The active instances a source created: their IDs begin with {@code source + ":"}. */
  private List<String> discoveredInstancesOf(String source) {
    return jdbc.sql(
            """
            select instance_id from model_instances
            where host_id = :external and state in ('starting', 'ready', 'unhealthy')
              and starts_with(instance_id, :prefix)
            """)
        .param("external", RegisterEndpointWorkflow.EXTERNAL_HOST)
        .param("prefix", source + ":")
        .query(String.class)
        .list();
  }

  /**
   * A model discovery found unregistered; one registered since (by a pull or a registration, whose
   * facts are fresher than discovery's read) is left as it is.
   */
  private void addIfAbsent(ModelEntry model) {
    withValues(
            jdbc.sql(ModelRegistry.INSERT_MODEL + "on conflict (provider, name) do nothing"),
            "",
            model)
        .update();
  }

  /**
   * Writes {@code merged} only if the row still holds what discovery read ({@code asRead}): a pull
   * or registration that committed since keeps its values (a fresh checksum, a new host), and the
   * next run merges into them. Where the row is unchanged, the values discovery did not learn are
   * the row's own, so only what it learned changes.
   */
  private void updateIfUnchanged(ModelEntry asRead, ModelEntry merged) {
    var update =
        jdbc.sql(
            """
            update models set host_id = :hostId, location = :location, format = :format,
                architecture = :architecture, parameter_count = :parameterCount,
                quantisation = :quantisation, context_length = :contextLength,
                size_bytes = :sizeBytes, sha256 = :sha256, updated_at = now()
            where provider = :provider and name = :name
              and host_id is not distinct from :readHostId
              and location is not distinct from :readLocation
              and format is not distinct from :readFormat
              and architecture is not distinct from :readArchitecture
              and parameter_count is not distinct from :readParameterCount
              and quantisation is not distinct from :readQuantisation
              and context_length is not distinct from :readContextLength
              and size_bytes is not distinct from :readSizeBytes
              and sha256 is not distinct from :readSha256
            """);
    withValues(withValues(update, "", merged), "read", asRead).update();
  }

  /**
   * Binds a model's columns as {@code prefix}-named parameters: {@code :hostId}, or {@code
   * :readHostId} with prefix "read". Typed, because {@code is not distinct from} a null parameter
   * leaves PostgreSQL nothing to infer its type from.
   */
  private static JdbcClient.StatementSpec withValues(
      JdbcClient.StatementSpec statement, String prefix, ModelEntry model) {
    return statement
        .param(name(prefix, "provider"), model.provider(), Types.VARCHAR)
        .param(name(prefix, "name"), model.name(), Types.VARCHAR)
        .param(name(prefix, "hostId"), model.hostId(), Types.VARCHAR)
        .param(name(prefix, "location"), model.location(), Types.VARCHAR)
        .param(name(prefix, "format"), model.format(), Types.VARCHAR)
        .param(name(prefix, "architecture"), model.architecture(), Types.VARCHAR)
        .param(name(prefix, "parameterCount"), model.parameterCount(), Types.BIGINT)
        .param(name(prefix, "quantisation"), model.quantisation(), Types.VARCHAR)
        .param(name(prefix, "contextLength"), model.contextLength(), Types.INTEGER)
        .param(name(prefix, "sizeBytes"), model.sizeBytes(), Types.BIGINT)
        .param(name(prefix, "sha256"), model.sha256(), Types.VARCHAR);
  }

  private static String name(String prefix, String column) {
    return prefix.isEmpty()
        ? column
        : prefix + Character.toUpperCase(column.charAt(0)) + column.substring(1);
  }

  /** Ready at its endpoint, on no host of ours; a row already ready is left as it is. */
  private int recordDiscovered(DiscoveredInstance instance) {
    return jdbc.sql(
            """
            insert into model_instances (instance_id, model_id, host_id, endpoint, state)
            select :instanceId, model_id, :external, :endpoint, 'ready' from models
            where provider = :provider and name = :name
            on conflict (instance_id) do update set
                state = 'ready', endpoint = excluded.endpoint, model_id = excluded.model_id,
                failure_reason = null, updated_at = now()
            where model_instances.state not in ('ready', 'unhealthy')
                or model_instances.endpoint is distinct from excluded.endpoint
            """)
        .param("instanceId", instance.instanceId())
        .param("external", RegisterEndpointWorkflow.EXTERNAL_HOST)
        .param("endpoint", instance.endpoint())
        .param("provider", instance.provider())
        .param("name", instance.modelName())
        .update();
  }

  public List<ActiveInstance> activeInstances() {
    return jdbc.sql(
            """
            select i.instance_id, m.provider, m.name, i.host_id, i.state,
                coalesce(i.last_used_at, i.started_at) as last_used, i.updated_at
            from model_instances i join models m using (model_id)
            where i.state in ('starting', 'ready', 'unhealthy')
            order by i.started_at
            """)
        .query(
            (rs, n) ->
                new ActiveInstance(
                    rs.getString("instance_id"),
                    rs.getString("provider"),
                    rs.getString("name"),
                    rs.getString("host_id"),
                    rs.getString("state"),
                    rs.getTimestamp("last_used").getTime(),
                    rs.getTimestamp("updated_at").getTime()))
        .list();
  }

  /** Failed with {@code reason} if still starting and unchanged since {@code unchangedSince}. */
  public boolean failAbandonedStart(String instanceId, String reason, Instant unchangedSince) {
    return jdbc.sql(
                """
                update model_instances set state = 'failed', failure_reason = :reason,
                    health_score = 0, updated_at = now()
                where instance_id = :instanceId and state = 'starting'
                    and updated_at < :unchangedSince
                """)
            .param("instanceId", instanceId)
            .param("reason", reason)
            .param("unchangedSince", Timestamp.from(unchangedSince))
            .update()
        == 1;
  }

  /**
   * Deletes at most {@code limit} request audit rows that occurred before the cutoff, oldest first,
   * in a transaction of their own; returns how many. An hour of audit at a busy gateway is millions
   * of rows: one statement for all of them would hold its locks past any timeout.
   */
  public int deleteAuditBatch(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            delete from request_audit where audit_id in (
                select audit_id from request_audit where occurred_at < :cutoff
                order by occurred_at limit :limit)
            """)
        .param("cutoff", Timestamp.from(cutoff))
        .param("limit", limit)
        .update();
  }

  /**
   * As {@link #deleteAuditBatch}, for the other records kept for a while. An instance is deleted
   * only once stopped or failed, and its events with it.
   */
  public int deleteBatch(RetainedRecords records, Instant cutoff, int limit) {
    String sql =
        switch (records) {
          case COST_RECORDS ->
              """
              delete from cost_records where cost_id in (
                  select cost_id from cost_records where occurred_at < :cutoff
                  order by occurred_at limit :limit)
              """;
          case INSTANCE_EVENTS ->
              """
              delete from instance_events where event_id in (
                  select event_id from instance_events where at < :cutoff
                  order by at limit :limit)
              """;
          case SCALING_DECISIONS ->
              """
              delete from scaling_decisions where decision_id in (
                  select decision_id from scaling_decisions where decided_at < :cutoff
                  order by decided_at limit :limit)
              """;
          // A failed instance may still have its reservation (a restart that gave up does not
          // release it): the ledger counts it as held once the instance row is gone, so it goes
          // too. The state is checked again: a row revived meanwhile stays. A reservation that
          // no instance row has followed for a day goes as well: one made while its workflow
          // was cancelled (the release ran before the reservation committed), or by a run
          // terminated between the two; its instance was never recorded, so never started. A day,
          // not less: a workflow whose workers are down between its reservation and its record
          // resumes with the reservation it made. Only the instance rows are counted.
          case ENDED_INSTANCES ->
              """
              with ended as (
                  delete from model_instances where instance_id in (
                      select instance_id from model_instances
                      where state in ('stopped', 'failed') and updated_at < :cutoff
                      order by updated_at limit :limit)
                  and state in ('stopped', 'failed') and updated_at < :cutoff
                  returning instance_id),
              released as (
                  delete from placement_reservations
                  where reservation_id in (select instance_id from ended)),
              unheld as (
                  delete from placement_reservations r
                  where r.created_at < now() - interval '1 day'
                      and not exists (select 1 from model_instances i
                          where i.instance_id = r.reservation_id))
              select count(*) from ended
              """;
        };
    var statement = jdbc.sql(sql).param("cutoff", Timestamp.from(cutoff)).param("limit", limit);
    return records == RetainedRecords.ENDED_INSTANCES
        ? statement.query(Integer.class).single()
        : statement.update();
  }
}
