package dev.modelyard.infra.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.MaintenanceRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.autoscaling.ScalingRecord;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The load samples and the scaling log against the test PostgreSQL. */
class LoadSamplesTests {

  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");
  private static final ModelRef OTHER = new ModelRef(Provider.LOCAL_GGUF, "other");

  private static FreshSchema schema;
  private static LoadSamples samples;
  private static ScalingLog log;

  @BeforeAll
  static void migrate() {
    schema = new FreshSchema();
    samples = new LoadSamples(schema.dataSource);
    log = new ScalingLog(schema.dataSource);
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @Test
  void aModelsReadsMatchItsNameInAnyCaseThroughAnIndex() throws Exception {
    // The planner picks a scan over an index on tables this small: told not to, it shows whether
    // an index serves the reads' predicates at all.
    try (Connection connection = schema.dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("set enable_seqscan = off");
      assertThat(
              plan(
                  statement,
                  "select busy_millis from model_load_samples where provider = 'local_gguf'"
                      + " and lower(model_name) = lower('Tiny') and window_end > now()"))
          .contains("model_load_samples_model_lower");
      assertThat(
              plan(
                  statement,
                  "select reason from scaling_decisions where provider = 'local_gguf'"
                      + " and lower(model_name) = lower('Tiny') order by decided_at desc limit 5"))
          .contains("scaling_decisions_model_lower");
    }
  }

  private static String plan(Statement statement, String query) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rows = statement.executeQuery("explain " + query)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  @Test
  void theLoadIsSummedOverEveryReplicaAndWindow() {
    LatencyHistogram fast = histogram(150, 90);
    LatencyHistogram slow = histogram(10, 3_000);
    // Two API replicas, two 5 s windows each: 10, 20, 15 and 15 busy seconds over a minute.
    samples.publish("api-a", List.of(sample(TINY, 10, 40, fast), sample(OTHER, 50, 1, fast)));
    samples.publish("api-a", List.of(sample(TINY, 20, 40, fast)));
    samples.publish("api-b", List.of(sample(TINY, 15, 10, slow)));
    samples.publish("api-b", List.of(sample(TINY, 15, 10, slow)));

    LoadSummary load = samples.summarize(TINY, Duration.ofMinutes(1));

    assertThat(load.averageInFlight()).isEqualTo(1.0);
    assertThat(load.requests()).isEqualTo(100);
    // 300 fast calls and 20 slow ones: the 95th percentile (rank 304) is among the slow.
    assertThat(load.p95Latency()).isEqualTo(Duration.ofMillis(3_000));
    assertThat(samples.summarize(new ModelRef(Provider.LOCAL_GGUF, "TINY"), Duration.ofMinutes(1)))
        .as("model names match regardless of case")
        .isEqualTo(load);
  }

  @Test
  void aModelNobodyCalledHasNoLoad() {
    assertThat(
            samples.summarize(new ModelRef(Provider.LOCAL_OLLAMA, "quiet"), Duration.ofMinutes(1)))
        .isEqualTo(LoadSummary.NONE);
  }

  @Test
  void samplesOutsideTheWindowOrPastRetentionAreLeftOut() {
    ModelRef old = new ModelRef(Provider.HUGGINGFACE, "old");
    samples.publish("api-a", List.of(sample(old, 30, 5, histogram(5, 50))));
    JdbcClient.create(schema.dataSource)
        .sql(
            "update model_load_samples set window_end = now() - interval '3 hours'"
                + " where model_name = 'old'")
        .update();

    assertThat(samples.summarize(old, Duration.ofHours(1))).isEqualTo(LoadSummary.NONE);
    assertThat(samples.prune(Duration.ofHours(2))).isEqualTo(1);
  }

  @Test
  void aCalledModelsActiveInstancesAreMarkedUsedForTheIdleCleanup() {
    JdbcClient jdbc = JdbcClient.create(schema.dataSource);
    ModelRegistry registry = new ModelRegistry(jdbc);
    MaintenanceRegistry maintenance =
        new MaintenanceRegistry(
            jdbc, new TransactionTemplate(new JdbcTransactionManager(schema.dataSource)));
    registry.recordHost("host-a", "modelyard-host-host-a");
    ModelRef busy = new ModelRef(Provider.LOCAL_GGUF, "Busy-Model");
    ModelRef quiet = new ModelRef(Provider.LOCAL_GGUF, "quiet-model");
    ModelRef streaming = new ModelRef(Provider.LOCAL_GGUF, "streaming-model");
    for (ModelRef model : List.of(busy, quiet, streaming)) {
      readyInstance(registry, model);
    }
    // Started two hours ago, and never called since, as far as the registry knows.
    jdbc.sql("update model_instances set started_at = now() - interval '2 hours'").update();
    long beforeCall = System.currentTimeMillis() - 60_000;

    // The gateway names the model as the client spelt it; a window without calls marks nothing,
    // but one without new calls that served a stream begun earlier is use.
    samples.publish(
        "api-a",
        List.of(
            sample(new ModelRef(Provider.LOCAL_GGUF, "busy-model"), 1, 3, histogram(3, 40)),
            sample(quiet, 0, 0, new LatencyHistogram()),
            sample(streaming, 5, 0, new LatencyHistogram())));

    assertThat(lastUsedAt(maintenance, "i-Busy-Model")).isGreaterThan(beforeCall);
    assertThat(lastUsedAt(maintenance, "i-quiet-model")).isLessThan(beforeCall);
    assertThat(lastUsedAt(maintenance, "i-streaming-model")).isGreaterThan(beforeCall);
  }

  @Test
  void anIdleUnloadStopsOnlyAnInstanceStillUnusedWhenItIsTakenOutOfRouting() {
    JdbcClient jdbc = JdbcClient.create(schema.dataSource);
    ModelRegistry registry = new ModelRegistry(jdbc);
    registry.recordHost("host-a", "modelyard-host-host-a");
    ModelRef usedSince = new ModelRef(Provider.LOCAL_GGUF, "used-since");
    ModelRef stillIdle = new ModelRef(Provider.LOCAL_GGUF, "still-idle");
    ModelRef stopped = new ModelRef(Provider.LOCAL_GGUF, "stopped-meanwhile");
    for (ModelRef model : List.of(usedSince, stillIdle, stopped)) {
      readyInstance(registry, model);
    }
    // What idle cleanup saw: nothing used for two hours.
    jdbc.sql("update model_instances set started_at = now() - interval '2 hours'").update();
    // Then a request, published after cleanup looked; and a stop by someone else.
    samples.publish("api-a", List.of(sample(usedSince, 1, 1, histogram(1, 40))));
    registry.recordStopped("i-stopped-meanwhile");

    assertThat(registry.recordStoppingIfIdle("i-used-since", Duration.ofHours(1))).isFalse();
    assertThat(registry.recordStoppingIfIdle("i-still-idle", Duration.ofHours(1))).isTrue();
    assertThat(registry.recordStoppingIfIdle("i-still-idle", Duration.ofHours(1)))
        .as("a retry of a call that committed")
        .isTrue();
    assertThat(registry.recordStoppingIfIdle("i-stopped-meanwhile", Duration.ofHours(1))).isFalse();
    assertThat(
            jdbc.sql(
                    """
                    select instance_id || ' ' || state from model_instances
                    where instance_id in ('i-used-since', 'i-still-idle', 'i-stopped-meanwhile')
                    order by 1
                    """)
                .query(String.class)
                .list())
        .containsExactly(
            "i-still-idle stopping", "i-stopped-meanwhile stopped", "i-used-since ready");
  }

  /** When the registry last saw the instance used, as the idle cleanup reads it. */
  private static long lastUsedAt(MaintenanceRegistry maintenance, String instanceId) {
    return assertThat(maintenance.activeInstances())
        .filteredOn(i -> i.instanceId().equals(instanceId))
        .singleElement()
        .actual()
        .lastUsedAtMillis();
  }

  private static void readyInstance(ModelRegistry registry, ModelRef model) {
    String modelId =
        registry
            .registerModel(
                new RegisterModel(
                    model,
                    "host-a",
                    new ModelFileFacts(
                        "/m/" + model.name(), 1, "00", "gguf", "llama", 1, "F16", 512)))
            .modelId();
    String instanceId = "i-" + model.name();
    registry.recordStarting(
        new NewInstance(instanceId, modelId, "host-a", ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance(instanceId, "http://127.0.0.1:1"));
  }

  @Test
  void aDecisionIsLoggedOnceWithItsReasonAndLoad() {
    ScalingRecord up =
        new ScalingRecord(
            TINY,
            1_795_000_000_000L,
            ScalingRecord.AUTOSCALER,
            1,
            3,
            "9.00 in flight per replica is above the target of 4.00",
            new LoadSummary(9, 120, Duration.ofMillis(750)));

    log.record(up);
    log.record(up);

    assertThat(log.latest(TINY, 10))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.decidedAt().toEpochMilli()).isEqualTo(1_795_000_000_000L);
              assertThat(d.toReplicas()).isEqualTo(3);
              assertThat(d.reason()).isEqualTo(up.reason());
            });
    assertThat(
            JdbcClient.create(schema.dataSource)
                .sql("select p95_latency_ms from scaling_decisions")
                .query(Long.class)
                .single())
        .isEqualTo(750);
  }

  @Test
  void percentilesAreTheUpperBoundOfTheirBucket() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThat(histogram.percentile(0.95)).isNull();
    histogram.record(Duration.ofMillis(120).toNanos());
    assertThat(histogram.percentile(0.95)).isEqualTo(Duration.ofMillis(250));
    histogram.record(Duration.ofMinutes(20).toNanos());
    assertThat(histogram.percentile(0.95)).isEqualTo(Duration.ofMinutes(5));
    assertThat(LatencyHistogram.of(histogram.counts()).total()).isEqualTo(2);
  }

  private static LoadSample sample(
      ModelRef model, long busySeconds, long requests, LatencyHistogram latencies) {
    return new LoadSample(
        model.provider().wireName(),
        model.name(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(busySeconds),
        requests,
        latencies);
  }

  private static LatencyHistogram histogram(int calls, long millis) {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < calls; i++) {
      histogram.record(Duration.ofMillis(millis).toNanos());
    }
    return histogram;
  }
}
