package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.huggingface.Sha256;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaModel;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.temporal.TemporalEndpoint;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.WorkersApplication;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelResult;
import dev.modelyard.workflows.models.PullModelWorkflow;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.converter.PayloadConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pulls as workflows on the real Temporal dev server, PostgreSQL, Hugging Face mirror and Ollama.
 * This JVM runs one worker; tests that crash or cancel a download run theirs in a JVM of its own.
 *
 * <p>Everything here runs in a Temporal namespace of its own: the pulls queue is shared by every
 * worker of a namespace, and workers of other test classes (or other people's test runs) would
 * otherwise pick up these workflows with their own database schema.
 */
@SpringBootTest(classes = WorkersApplication.class)
@Import(ModelPullsOnTemporalDevServerTests.RecordedHeartbeats.class)
// Closed after the class, so that its worker stops polling and its namespace goes at once.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(120)
class ModelPullsOnTemporalDevServerTests {

  private static final Logger log =
      LoggerFactory.getLogger(ModelPullsOnTemporalDevServerTests.class);

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "pulls_" + RUN;
  private static final String NAMESPACE = "modelyard-pulls-test-" + RUN;
  private static final String HOST = "pulls-" + RUN;
  private static final Path WORK_DIR = Path.of("target", "pull-tests", RUN).toAbsolutePath();

  private static final String REPO = TestServices.get("HF_TEST_REPO");
  private static final String FILE = TestServices.get("HF_TEST_FILE");
  private static final String SHA256 = TestServices.get("HF_TEST_SHA256");
  private static final long SIZE = Long.parseLong(TestServices.get("HF_TEST_SIZE"));
  private static final ModelRef HF_MODEL = new ModelRef(Provider.HUGGINGFACE, REPO + "/" + FILE);

  /** Slow enough to catch the 1.75 MB test file half-way: about 17 s for all of it. */
  private static final String SLOW_DOWNLOAD = "100KB";

  private static final Pattern RESUMED_RANGE = Pattern.compile("range=\"bytes=(\\d+)-\"");

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    TestNamespace.create(NAMESPACE);
    commonProperties().forEach((key, value) -> properties.add(key, () -> value));
    properties.add("modelyard.host-id", () -> HOST);
    properties.add("modelyard.data-dir", () -> WORK_DIR.resolve(HOST).toString());
    properties.add("modelyard.providers.ollama-host", () -> TestServices.get("OLLAMA_HOST"));
  }

  @Autowired WorkflowClient client;
  @Autowired ModelRegistry registry;
  @Autowired RecordingPayloadConverter recorded;

  private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (WorkerProcess worker : workers) {
      worker.close();
    }
  }

  @Test
  void aDownloadWhoseWorkerIsKilledResumesOnTheNextWorkerFromItsLastHeartbeat() throws Exception {
    String host = "resume-" + RUN;
    Path dataDir = WORK_DIR.resolve(host);
    AccessLog accessLog = AccessLog.fromNow();
    WorkerProcess first = startWorker(host, dataDir, SLOW_DOWNLOAD);
    WorkflowStub pull = startPull(HF_MODEL, host);

    TransferProgress beforeKill = awaitHeartbeat(pull, p -> p.bytesDone() >= SIZE * 3 / 10);
    first.kill();
    log.info("killed the worker with its download at {} of {} bytes", beforeKill, SIZE);
    assertThat(beforeKill.bytesDone()).isLessThan(SIZE);
    // The next worker of the host downloads at full speed, so the rest takes no time.
    startWorker(host, dataDir, null);
    PullModelResult result = pull.getResult(90, TimeUnit.SECONDS, PullModelResult.class);

    Path file = hfFile(dataDir);
    assertThat(result.sha256()).isEqualTo(SHA256);
    assertThat(Sha256.of(file)).isEqualTo(SHA256);
    assertThat(ModelStore.partialOf(file)).doesNotExist();
    List<String> requests = accessLog.requestsFor(FILE, host);
    assertThat(requests).first().asString().contains("range=\"-\"");
    assertThat(requests)
        .anySatisfy(
            line -> {
              Matcher range = RESUMED_RANGE.matcher(line);
              assertThat(range.find()).as("a ranged request: %s", line).isTrue();
              assertThat(Long.parseLong(range.group(1)))
                  .isGreaterThanOrEqualTo(beforeKill.bytesDone())
                  .isLessThan(SIZE);
              assertThat(line).contains("status=206");
            });
    assertThat(registered(HF_MODEL))
        .hasValueSatisfying(
            m -> {
              assertThat(m.hostId()).isEqualTo(host);
              assertThat(m.location()).isEqualTo(file.toString());
              assertThat(m.sha256()).isEqualTo(SHA256);
            });
  }

  @Test
  void twoRequestsForOneModelJoinOneWorkflowThatDownloadsOnce() throws Exception {
    AccessLog accessLog = AccessLog.fromNow();
    PullModelWorkflow first = pullStub(HF_MODEL);
    PullModelWorkflow second = pullStub(HF_MODEL);

    CompletableFuture<WorkflowExecution> one =
        CompletableFuture.supplyAsync(() -> WorkflowClient.start(first::pull, request(HF_MODEL)));
    CompletableFuture<WorkflowExecution> other =
        CompletableFuture.supplyAsync(() -> WorkflowClient.start(second::pull, request(HF_MODEL)));

    assertThat(one.get(10, TimeUnit.SECONDS).getRunId())
        .isEqualTo(other.get(10, TimeUnit.SECONDS).getRunId());
    PullModelResult result =
        WorkflowStub.fromTyped(first).getResult(60, TimeUnit.SECONDS, PullModelResult.class);
    assertThat(WorkflowStub.fromTyped(second).getResult(PullModelResult.class)).isEqualTo(result);
    assertThat(result.sha256()).isEqualTo(SHA256);
    assertThat(accessLog.requestsFor(FILE, HOST))
        .singleElement()
        .asString()
        .contains("range=\"-\"")
        .contains("status=200");
    Path file = hfFile(WORK_DIR.resolve(HOST));
    assertThat(Sha256.of(file)).isEqualTo(SHA256);
    assertThat(registry.listModels())
        .filteredOn(m -> m.provider().equals("huggingface") && m.name().equals(HF_MODEL.name()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.modelId()).isEqualTo(result.modelId());
              assertThat(m.location()).isEqualTo(file.toString());
              assertThat(m.format()).isEqualTo("gguf");
              assertThat(m.architecture()).isEqualTo("llama");
            });
  }

  @Test
  void anOllamaPullHeartbeatsLayerProgressAndRegistersWhatOllamaLists() throws Exception {
    String model = TestServices.get("OLLAMA_REGISTRY_MODEL");
    ModelRef ref = new ModelRef(Provider.LOCAL_OLLAMA, model);
    try (OllamaClient ollama =
        new OllamaClient(OllamaSettings.of(URI.create(TestServices.get("OLLAMA_HOST"))))) {
      deleteIfPresent(ollama, model);
      recorded.heartbeats.clear();
      try {
        PullModelResult result = pullStub(ref).pull(request(ref));

        // What the worker sent to Temporal as heartbeats, as the tasks API will decode it.
        assertThat(recorded.heartbeats).anySatisfy(p -> assertThat(p.bytesTotal()).isPositive());
        OllamaModel listed =
            ollama.tags().stream()
                .filter(m -> m.name().equals(model + ":latest"))
                .findFirst()
                .orElseThrow();
        assertThat(result.sha256()).isEqualTo(listed.digest());
        assertThat(result.hostId()).isEqualTo(HOST);
        assertThat(registered(ref))
            .hasValueSatisfying(
                m -> {
                  assertThat(m.location()).isEqualTo(listed.name());
                  assertThat(m.format()).isEqualTo("ollama");
                  assertThat(m.sizeBytes()).isEqualTo(listed.size());
                  assertThat(m.quantisation()).isEqualTo(listed.details().quantizationLevel());
                });
      } finally {
        // test-services.sh leaves the registry model deleted; so do we.
        deleteIfPresent(ollama, model);
      }
    }
  }

  @Test
  void aCancelledDownloadStopsWithinSecondsAndLeavesNoPartialFile() throws Exception {
    String host = "cancel-" + RUN;
    Path dataDir = WORK_DIR.resolve(host);
    startWorker(host, dataDir, SLOW_DOWNLOAD);
    WorkflowStub pull = startPull(HF_MODEL, host);
    Path partial = ModelStore.partialOf(hfFile(dataDir));
    awaitHeartbeat(pull, p -> p.bytesTotal() == SIZE);
    await(() -> Files.exists(partial));

    long cancelledAt = System.nanoTime();
    pull.cancel();

    assertThatThrownBy(() -> pull.getResult(30, TimeUnit.SECONDS, PullModelResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - cancelledAt);
    log.info("the cancelled pull ended {} ms after the cancellation", stoppedAfter.toMillis());
    // Bounded by the SDK's heartbeat throttle: 0.8 × the 10 s heartbeat timeout, plus a poll.
    assertThat(stoppedAfter).isLessThan(Duration.ofSeconds(10));
    assertThat(partial).doesNotExist();
    assertThat(hfFile(dataDir)).doesNotExist();
    // The download reported its cancellation (it had stopped); it did not merely time out.
    assertThat(client.fetchHistory(pull.getExecution().getWorkflowId()).getEvents())
        .extracting(HistoryEvent::getEventType)
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  }

  private WorkerProcess startWorker(String host, Path dataDir, String rateLimit) throws Exception {
    Map<String, String> properties = new LinkedHashMap<>(commonProperties());
    properties.put("modelyard.host-id", host);
    properties.put("modelyard.data-dir", dataDir.toString());
    if (rateLimit != null) {
      properties.put("modelyard.models.download.rate-limit", rateLimit);
    }
    WorkerProcess worker = WorkerProcess.start(properties, WORK_DIR.resolve(host + ".log"));
    workers.add(worker);
    return worker;
  }

  private static Map<String, String> commonProperties() {
    return Map.of(
        "modelyard.database.url",
        TestServices.get("DATABASE_URL") + "?currentSchema=" + SCHEMA,
        "spring.flyway.schemas",
        SCHEMA,
        "spring.flyway.create-schemas",
        "true",
        "modelyard.temporal.address",
        TestServices.get("TEMPORAL_ADDRESS"),
        "modelyard.temporal.namespace",
        NAMESPACE,
        "modelyard.providers.hf-endpoint",
        TestServices.get("HF_ENDPOINT"));
  }

  private WorkflowStub startPull(ModelRef model, String host) {
    PullModelWorkflow workflow = pullStub(model);
    WorkflowClient.start(workflow::pull, new PullModelRequest(model, null, 5, host));
    return WorkflowStub.fromTyped(workflow);
  }

  private PullModelWorkflow pullStub(ModelRef model) {
    return client.newWorkflowStub(
        PullModelWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(WorkflowIds.pull(model))
            .setTaskQueue(TaskQueues.PULLS)
            // As the API starts pulls: a second request joins the running one.
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(3))
            .build());
  }

  private static PullModelRequest request(ModelRef model) {
    return new PullModelRequest(model, null, 5, HOST);
  }

  private static Path hfFile(Path dataDir) {
    return dataDir.resolve("models/huggingface").resolve(REPO).resolve(FILE);
  }

  private Optional<ModelListing> registered(ModelRef model) {
    return registry.listModels().stream()
        .filter(m -> m.provider().equals(model.provider().wireName()))
        .filter(m -> m.name().equals(model.name()))
        .findFirst();
  }

  /** Polls the pending download's heartbeat, as the tasks API reads it, until it matches. */
  private TransferProgress awaitHeartbeat(WorkflowStub pull, Predicate<TransferProgress> wanted)
      throws InterruptedException {
    WorkflowExecution execution = pull.getExecution();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<PendingActivityInfo> pending =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(NAMESPACE)
                      .setExecution(execution)
                      .build())
              .getPendingActivitiesList();
      for (PendingActivityInfo activity : pending) {
        if (activity.getActivityType().getName().equals("DownloadHuggingFaceFile")
            && activity.getHeartbeatDetails().getPayloadsCount() > 0) {
          TransferProgress progress =
              client
                  .getOptions()
                  .getDataConverter()
                  .fromPayload(
                      activity.getHeartbeatDetails().getPayloads(0),
                      TransferProgress.class,
                      TransferProgress.class);
          if (wanted.test(progress)) {
            return progress;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching download heartbeat within 60 s");
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void deleteIfPresent(OllamaClient ollama, String name) throws Exception {
    if (ollama.tags().stream().anyMatch(m -> m.name().equals(name + ":latest"))) {
      ollama.delete(name);
    }
  }

  /**
   * Records the heartbeat details this JVM's workers send: an Ollama pull of the tiny test model
   * takes milliseconds, too short to catch with DescribeWorkflowExecution.
   */
  @TestConfiguration(proxyBeanMethods = false)
  static class RecordedHeartbeats {

    @Bean
    RecordingPayloadConverter recordingPayloadConverter() {
      return new RecordingPayloadConverter();
    }

    @Bean
    WorkflowClient workflowClient(
        WorkflowServiceStubs stubs, TemporalEndpoint endpoint, RecordingPayloadConverter recorder) {
      return WorkflowClient.newInstance(
          stubs,
          WorkflowClientOptions.newBuilder()
              .setNamespace(endpoint.namespace())
              .setDataConverter(
                  DefaultDataConverter.newDefaultInstance().withPayloadConverterOverrides(recorder))
              .build());
    }

    @Bean
    RunNamespace runNamespace() {
      return new RunNamespace();
    }
  }

  /** Deletes this run's namespace when the context closes, after its workers have stopped. */
  static class RunNamespace implements AutoCloseable {

    @Override
    public void close() {
      TestNamespace.delete(NAMESPACE);
    }
  }

  /** Temporal's JSON converter, remembering every {@link TransferProgress} it writes. */
  static class RecordingPayloadConverter implements PayloadConverter {

    final List<TransferProgress> heartbeats = new CopyOnWriteArrayList<>();
    private final JacksonJsonPayloadConverter json = new JacksonJsonPayloadConverter();

    @Override
    public String getEncodingType() {
      return json.getEncodingType();
    }

    @Override
    public Optional<Payload> toData(Object value) throws DataConverterException {
      if (value instanceof TransferProgress progress) {
        heartbeats.add(progress);
      }
      return json.toData(value);
    }

    @Override
    public <T> T fromData(Payload content, Class<T> valueType, Type valueGenericType)
        throws DataConverterException {
      return json.fromData(content, valueType, valueGenericType);
    }
  }
}
