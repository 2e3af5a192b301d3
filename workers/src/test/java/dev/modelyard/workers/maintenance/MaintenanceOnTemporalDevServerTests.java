package dev.modelyard.workers.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.ollama.GenerationOptions;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.testing.FreshSchemaProperties;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.WorkersApplication;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.maintenance.CleanupPolicy;
import dev.modelyard.workflows.maintenance.CleanupRequest;
import dev.modelyard.workflows.maintenance.CleanupResult;
import dev.modelyard.workflows.maintenance.CleanupWorkflow;
import dev.modelyard.workflows.maintenance.DiscoveryRequest;
import dev.modelyard.workflows.maintenance.DiscoveryResult;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflow;
import dev.modelyard.workflows.maintenance.MaintenanceWorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Discovery and cleanup of the worker application against the real Temporal dev server, PostgreSQL
 * (a fresh schema) and Ollama (with its model {@code tiny}).
 */
@SpringBootTest(classes = WorkersApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MaintenanceOnTemporalDevServerTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "maintenance_" + RUN;
  private static final String NAMESPACE = "modelyard-maintenance-" + RUN;
  private static final String DEPLOYMENT = "test-" + RUN;
  private static final Path DATA_DIR = dataDir();

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    TestNamespace.create(NAMESPACE);
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add("modelyard.temporal.namespace", () -> NAMESPACE);
    properties.add("modelyard.host-id", () -> "test-" + RUN);
    properties.add("modelyard.data-dir", DATA_DIR::toString);
    properties.add("modelyard.providers.ollama-host", () -> TestServices.get("OLLAMA_HOST"));
    properties.add("modelyard.health.enabled", () -> "false");
    properties.add("modelyard.maintenance.deployment", () -> DEPLOYMENT);
    // Started by the worker, but never due while the test runs: the tests start their own runs.
    properties.add("modelyard.maintenance.discovery-schedule", () -> "0 0 1 1 *");
    properties.add("modelyard.maintenance.cleanup-schedule", () -> "0 0 1 1 *");
    properties.add("modelyard.maintenance.execution-timeout", () -> "10m");
  }

  @Autowired WorkflowClient client;
  @Autowired JdbcClient jdbc;
  @Autowired MaintenanceSettings settings;

  @AfterAll
  static void endCrons(@Autowired WorkflowClient client, @Autowired MaintenanceSettings settings)
      throws IOException {
    try (var files = Files.walk(DATA_DIR)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    for (String id : List.of(settings.discoveryWorkflowId(), settings.cleanupWorkflowId())) {
      try {
        client.newUntypedWorkflowStub(id).terminate("test over");
      } catch (WorkflowNotFoundException e) {
        // Never started.
      }
    }
  }

  @Test
  @Timeout(60)
  void theWorkerStartsBothCronWorkflowsOnTheMaintenanceQueue() throws InterruptedException {
    for (String id : List.of(settings.discoveryWorkflowId(), settings.cleanupWorkflowId())) {
      awaitRunning(id);
    }
  }

  @Test
  @Timeout(60)
  void aWorkerWithTheSameSettingsJoinsTheCronsAndOneWithOtherSettingsReplacesThem()
      throws InterruptedException {
    for (String id : List.of(settings.discoveryWorkflowId(), settings.cleanupWorkflowId())) {
      awaitRunning(id);
    }
    String discoveryRun = runId(settings.discoveryWorkflowId());
    String cleanupRun = runId(settings.cleanupWorkflowId());

    new MaintenanceStarter(client, settings, true).ensureRunning();

    assertThat(runId(settings.discoveryWorkflowId())).isEqualTo(discoveryRun);
    assertThat(runId(settings.cleanupWorkflowId())).isEqualTo(cleanupRun);

    MaintenanceSettings longerCostRetention =
        new MaintenanceSettings(
            true,
            settings.deployment(),
            settings.discoverySchedule(),
            settings.cleanupSchedule(),
            settings.idleTtl(),
            settings.startingGrace(),
            settings.partialGrace(),
            settings.auditRetention(),
            settings.historyRetention(),
            Duration.ofDays(800),
            settings.startRetry(),
            settings.executionTimeout());
    new MaintenanceStarter(client, longerCostRetention, true).ensureRunning();

    assertThat(runId(settings.discoveryWorkflowId()))
        .as("discovery's settings did not change")
        .isEqualTo(discoveryRun);
    String replacement = runId(settings.cleanupWorkflowId());
    assertThat(replacement).isNotEqualTo(cleanupRun);
    assertThat(
            client
                .newUntypedWorkflowStub(
                    settings.cleanupWorkflowId(), Optional.of(cleanupRun), Optional.empty())
                .describe()
                .getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(client.newUntypedWorkflowStub(settings.cleanupWorkflowId()).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    // Back to the settings the other tests expect: replaced again, then joined.
    new MaintenanceStarter(client, settings, true).ensureRunning();
    String restored = runId(settings.cleanupWorkflowId());
    assertThat(restored).isNotEqualTo(replacement);
    new MaintenanceStarter(client, settings, true).ensureRunning();
    assertThat(runId(settings.cleanupWorkflowId())).isEqualTo(restored);
  }

  private String runId(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
  }

  @Test
  @Timeout(120)
  void discoveryRegistersOllamasModelAndStoreFilesAndLeavesUserModelsAlone() throws IOException {
    jdbc.sql(
            "insert into models (provider, name, location) values ('openai_compatible', 'mine', 'http://x')")
        .update();
    Path gguf = DATA_DIR.resolve("models/local/tiny.gguf");
    Files.createDirectories(gguf.getParent());
    Files.copy(TestServices.tinyModel(), gguf);

    long started = System.nanoTime();
    DiscoveryResult first = discover();
    long firstMillis = (System.nanoTime() - started) / 1_000_000;
    DiscoveryResult second = discover();
    System.out.printf("discovery: first run %d ms, %s then %s%n", firstMillis, first, second);

    assertThat(first.problems()).isEmpty();
    assertThat(first.added()).isGreaterThanOrEqualTo(2);
    assertThat(second.added()).isZero();
    assertThat(second.updated()).isZero();
    assertThat(second.unchanged()).isEqualTo(first.added() + first.updated() + first.unchanged());
    List<String> ollama =
        jdbc.sql("select name from models where provider = 'local_ollama'")
            .query(String.class)
            .list();
    assertThat(ollama).anyMatch(name -> name.startsWith(TestServices.get("OLLAMA_TEST_MODEL")));
    assertThat(
            jdbc.sql(
                    "select quantisation from models where provider = 'local_gguf' and name = 'local/tiny.gguf'")
                .query(String.class)
                .optional())
        .isPresent();
    assertThat(
            jdbc.sql("select location from models where name = 'mine'")
                .query(String.class)
                .single())
        .isEqualTo("http://x");
  }

  @Test
  @Timeout(120)
  void aModelLoadedInOllamaBecomesAReadyInstanceOnTheExternalHost() throws Exception {
    String model = TestServices.get("OLLAMA_TEST_MODEL");
    try (OllamaClient ollama =
        new OllamaClient(OllamaSettings.of(URI.create(TestServices.get("OLLAMA_HOST"))))) {
      // Loads it, as any client of that Ollama would.
      ollama.generate(model, "Hello", GenerationOptions.defaults().withNumPredict(1));
    }

    DiscoveryResult result = discover();

    assertThat(result.instancesReported()).isPositive();
    List<String> endpoints =
        jdbc.sql(
                """
                select i.endpoint from model_instances i join models m using (model_id)
                where m.provider = 'local_ollama' and m.name like :name
                    and i.host_id = 'external' and i.state = 'ready'
                """)
            .param("name", model + "%")
            .query(String.class)
            .list();
    assertThat(endpoints).contains(TestServices.get("OLLAMA_HOST"));
  }

  @Test
  @Timeout(120)
  void cleanupDeletesAbandonedPartialsAndOldAuditRowsAndFailsStuckStarts() throws IOException {
    Instant now = Instant.now();
    Path store = DATA_DIR.resolve("models/huggingface/org/repo");
    Files.createDirectories(store);
    Path abandoned = partial(store.resolve("old.gguf.partial"), now.minus(Duration.ofHours(2)));
    Path fresh = partial(store.resolve("fresh.gguf.partial"), now);
    Path pulling = partial(store.resolve("owned.gguf.partial"), now.minus(Duration.ofHours(2)));
    String pull = WorkflowIds.pull(new ModelRef(Provider.HUGGINGFACE, "org/repo/owned.gguf"));
    // A pull that runs (no worker polls its queue, so it never ends while the test runs).
    client
        .newUntypedWorkflowStub(
            "PullModelWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(pull)
                .setTaskQueue("nobody-" + RUN)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build())
        .start();
    audit(now.minus(Duration.ofDays(40)));
    audit(now.minus(Duration.ofDays(31)));
    audit(now.minus(Duration.ofDays(1)));
    String modelId =
        jdbc.sql(
                "insert into models (provider, name) values ('local_gguf', 'stuck-"
                    + RUN
                    + "') returning model_id")
            .query(String.class)
            .single();
    jdbc.sql(
            """
            insert into model_instances (instance_id, model_id, host_id, state, updated_at)
            values ('i-stuck', :modelId, :host, 'starting', now() - interval '2 hours'),
                   ('i-new', :modelId, :host, 'starting', now())
            """)
        .param("modelId", modelId)
        // This worker's host: cleanup stops the abandoned start there.
        .param("host", "test-" + RUN)
        .update();

    long started = System.nanoTime();
    CleanupResult result =
        client
            .newWorkflowStub(
                CleanupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("cleanup-once-" + RUN)
                    .setTaskQueue(TaskQueues.MAINTENANCE)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                    .build())
            .cleanUp(
                new CleanupRequest(
                    new CleanupPolicy(
                        Duration.ofDays(1),
                        Duration.ofMinutes(30),
                        Duration.ofHours(1),
                        Duration.ofDays(30),
                        null,
                        null)));
    System.out.printf("cleanup: %d ms, %s%n", (System.nanoTime() - started) / 1_000_000, result);
    client.newUntypedWorkflowStub(pull).terminate("test over");

    assertThat(abandoned).doesNotExist();
    assertThat(fresh).exists();
    assertThat(pulling).exists();
    assertThat(result.deletedPartialFiles())
        .singleElement()
        .asString()
        .endsWith("old.gguf.partial");
    assertThat(result.deletedAuditRows()).isEqualTo(2);
    assertThat(jdbc.sql("select count(*) from request_audit").query(Integer.class).single())
        .isEqualTo(1);
    assertThat(result.failedStarts()).containsExactly("i-stuck");
    assertThat(
            jdbc.sql("select state from model_instances where instance_id = 'i-new'")
                .query(String.class)
                .single())
        .isEqualTo("starting");
    assertThat(result.problems()).isEmpty();
  }

  private DiscoveryResult discover() {
    return client
        .newWorkflowStub(
            DiscoveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(MaintenanceWorkflowIds.discoverNow(UUID.randomUUID().toString()))
                .setTaskQueue(TaskQueues.MAINTENANCE)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                .build())
        .discover(new DiscoveryRequest("test"));
  }

  private void audit(Instant at) {
    jdbc.sql(
            """
            insert into request_audit (occurred_at, method, endpoint, status)
            values (:at, 'POST', '/api/v1/local-llm/generate', 200)
            """)
        .param("at", Timestamp.from(at))
        .update();
  }

  private static Path partial(Path path, Instant modified) throws IOException {
    Files.write(path, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(path, FileTime.from(modified));
    return path;
  }

  private void awaitRunning(String workflowId) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      try {
        WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
        if (stub.describe().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          return;
        }
      } catch (WorkflowNotFoundException e) {
        // Not yet started.
      }
      Thread.sleep(100);
    }
    throw new AssertionError(workflowId + " not running within 30 s");
  }

  private static Path dataDir() {
    try {
      return Files.createTempDirectory("modelyard-maintenance-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
