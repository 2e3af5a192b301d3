package dev.modelyard.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.maintenance.DiscoveryMerge;
import dev.modelyard.workflows.maintenance.DiscoveryPlan;
import dev.modelyard.workflows.maintenance.ModelEntry;
import dev.modelyard.workflows.maintenance.ProviderReport;
import dev.modelyard.workflows.maintenance.RetainedRecords;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The cleanup's side of the registry against the test PostgreSQL. */
class MaintenanceRegistryTests {

  private static FreshSchema database;
  private static JdbcClient jdbc;
  private static MaintenanceRegistry registry;
  private static ModelRegistry models;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
    registry =
        new MaintenanceRegistry(
            jdbc, new TransactionTemplate(new JdbcTransactionManager(database.dataSource)));
    models = new ModelRegistry(jdbc);
  }

  /** What discovery's model store reports of a model's file. */
  private static ModelEntry discovered(
      ModelRef model, Long size, String sha256, String architecture, Integer contextLength) {
    return new ModelEntry(
        model.provider().wireName(),
        model.name(),
        null,
        "/models/" + model.name() + ".gguf",
        "gguf",
        architecture,
        null,
        null,
        contextLength,
        size,
        sha256);
  }

  private static ProviderReport report(ModelEntry model) {
    return new ProviderReport("model-store", true, List.of(model), List.of(), null);
  }

  private static RegisterModel registration(ModelRef model, long size, String sha256) {
    return new RegisterModel(
        model,
        null,
        new ModelFileFacts(
            "/models/" + model.name() + ".gguf", size, sha256, "gguf", "llama", 5, "Q4_0", 2048));
  }

  /** The row's size and checksum. */
  private static String row(ModelRef model) {
    return jdbc.sql("select size_bytes || ' ' || sha256 from models where name = :name")
        .param("name", model.name())
        .query(String.class)
        .single();
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void anUpdateMergedFromAnEarlierReadKeepsARegistrationMadeSince() {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "discovered-then-pulled");
    models.registerModel(registration(model, 1, "h1"));
    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            registry.models(), List.of(report(discovered(model, 2L, null, null, null))));
    assertThat(plan.toUpdate()).hasSize(1);

    // A re-pull replaced the file and committed its facts between discovery's read and its write.
    models.registerModel(registration(model, 3, "h2"));
    registry.apply(plan);

    assertThat(row(model)).isEqualTo("3 h2");
  }

  @Test
  void aModelAddedFromAnEarlierReadDoesNotOverwriteOneRegisteredSince() {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "found-while-hashing");
    // The model store lists the file while its pull is still hashing it: discovery knows no sum.
    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            registry.models(), List.of(report(discovered(model, 5L, null, null, null))));
    assertThat(plan.toAdd()).hasSize(1);

    models.registerModel(registration(model, 5, "h1"));
    registry.apply(plan);

    assertThat(row(model)).isEqualTo("5 h1");
  }

  @Test
  void anUpdateFromAFreshReadIsWrittenOverUnknownValues() {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "nulls-in-the-row");
    jdbc.sql(
            """
            insert into models (provider, name, location, size_bytes)
            values ('local_gguf', 'nulls-in-the-row', '/models/nulls.gguf', 1)
            """)
        .update();
    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            registry.models(), List.of(report(discovered(model, 7L, "h7", "llama", 4096))));

    registry.apply(plan);

    assertThat(row(model)).isEqualTo("7 h7");
    assertThat(
            jdbc.sql("select architecture || ' ' || context_length from models where name = :name")
                .param("name", model.name())
                .query(String.class)
                .single())
        .isEqualTo("llama 4096");
  }

  @Test
  void auditPastItsCutoffIsDeletedABoundedBatchAtATimeOldestFirst() {
    Instant cutoff = Instant.now().minus(Duration.ofDays(30));
    audit(25, "interval '40 days'");
    audit(5, "interval '1 day'");

    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(10);
    // The ten oldest went (40 days and 16 to 25 seconds ago); the fifteen newer old rows stay.
    assertThat(
            jdbc.sql(
                    "select count(*) from request_audit"
                        + " where occurred_at < now() - interval '40 days 15.5 seconds'")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(10);
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(5);
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isZero();
    assertThat(jdbc.sql("select count(*) from request_audit").query(Long.class).single())
        .as("what is within retention stays")
        .isEqualTo(5);
  }

  @Test
  void recordsPastTheirCutoffAreDeletedInBatchesAndAnInstanceOnlyOnceItHasEnded() {
    Instant cutoff = Instant.now().minus(Duration.ofDays(90));
    jdbc.sql(
            """
            insert into models (model_id, provider, name)
            values ('m-retention', 'local_gguf', 'retention')
            """)
        .update();
    instance("i-old-stopped", "stopped", "interval '100 days'");
    instance("i-old-failed", "failed", "interval '100 days'");
    instance("i-old-ready", "ready", "interval '100 days'");
    instance("i-recent-stopped", "stopped", "interval '1 day'");
    // A restart that gave up left the failed instance's reservation behind.
    jdbc.sql(
            """
            insert into placement_devices (host_id, device_id, device_index, name, total_bytes,
                capacity_bytes)
            values ('h1', 'GPU-0', 0, 'gpu', 1000, 1000)
            """)
        .update();
    jdbc.sql(
            """
            insert into placement_reservations (reservation_id, host_id, device_id, bytes)
            values ('i-old-failed', 'h1', 'GPU-0', 100), ('i-old-ready', 'h1', 'GPU-0', 100)
            """)
        .update();
    // Reservations no instance row followed: one two days old (its workflow cancelled or
    // terminated before it recorded the instance), one an hour old (its workflow may still
    // record it: its workers may be down a while).
    jdbc.sql(
            """
            insert into placement_reservations (reservation_id, host_id, device_id, bytes,
                created_at)
            values ('r-orphaned', 'h1', 'GPU-0', 100, now() - interval '2 days'),
                   ('r-just-made', 'h1', 'GPU-0', 100, now() - interval '1 hour')
            """)
        .update();
    jdbc.sql(
            """
            insert into instance_events (instance_id, at, kind)
            values ('i-old-stopped', now() - interval '1 day', 'stopped'),
                   ('i-old-ready', now() - interval '100 days', 'healthy'),
                   ('i-old-ready', now() - interval '1 day', 'unhealthy'),
                   ('i-recent-stopped', now() - interval '100 days', 'healthy')
            """)
        .update();
    jdbc.sql(
            """
            insert into scaling_decisions (provider, model_name, decided_at, trigger,
                from_replicas, to_replicas, reason)
            values ('local_gguf', 'retention', now() - interval '100 days', 'load', 1, 2, 'busy'),
                   ('local_gguf', 'retention', now() - interval '1 day', 'load', 2, 1, 'idle')
            """)
        .update();
    jdbc.sql(
            """
            insert into cost_records (occurred_at, model, provider, kind, cost_usd)
            select now() - interval '100 days' - make_interval(secs => n), 'retention',
                'local_gguf', 'local', 0.1
            from generate_series(1, 3) as n
            """)
        .update();
    jdbc.sql(
            """
            insert into cost_records (occurred_at, model, provider, kind, cost_usd)
            values (now() - interval '1 day', 'retention', 'local_gguf', 'local', 0.2)
            """)
        .update();

    assertThat(registry.deleteBatch(RetainedRecords.COST_RECORDS, cutoff, 2)).isEqualTo(2);
    assertThat(registry.deleteBatch(RetainedRecords.COST_RECORDS, cutoff, 2)).isEqualTo(1);
    assertThat(registry.deleteBatch(RetainedRecords.COST_RECORDS, cutoff, 2)).isZero();
    assertThat(registry.deleteBatch(RetainedRecords.INSTANCE_EVENTS, cutoff, 10)).isEqualTo(2);
    assertThat(registry.deleteBatch(RetainedRecords.SCALING_DECISIONS, cutoff, 10)).isEqualTo(1);
    assertThat(registry.deleteBatch(RetainedRecords.ENDED_INSTANCES, cutoff, 10)).isEqualTo(2);

    assertThat(
            jdbc.sql("select instance_id from model_instances order by instance_id")
                .query(String.class)
                .list())
        .containsExactly("i-old-ready", "i-recent-stopped");
    assertThat(jdbc.sql("select kind from instance_events").query(String.class).list())
        .as("the recent event of a deleted instance went with it")
        .containsExactly("unhealthy");
    assertThat(
            jdbc.sql("select reservation_id from placement_reservations")
                .query(String.class)
                .list())
        .containsExactlyInAnyOrder("i-old-ready", "r-just-made");
    assertThat(jdbc.sql("select cost_usd from cost_records").query(Double.class).list())
        .containsExactly(0.2);
    assertThat(jdbc.sql("select reason from scaling_decisions").query(String.class).list())
        .containsExactly("idle");
  }

  private static void instance(String instanceId, String state, String age) {
    jdbc.sql(
            """
            insert into model_instances (instance_id, model_id, host_id, state, updated_at)
            values (:instanceId, 'm-retention', 'h1', :state, now() - %s)
            """
                .formatted(age))
        .param("instanceId", instanceId)
        .param("state", state)
        .update();
  }

  private static void audit(int rows, String age) {
    jdbc.sql(
            """
            insert into request_audit (occurred_at, method, endpoint, status)
            select now() - %s - make_interval(secs => n), 'POST', '/v1/chat/completions', 200
            from generate_series(1, :rows) as n
            """
                .formatted(age))
        .param("rows", rows)
        .update();
  }
}
