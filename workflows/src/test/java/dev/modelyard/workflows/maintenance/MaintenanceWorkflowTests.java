package dev.modelyard.workflows.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelResult;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.health.InstanceOwnerActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Discovery and cleanup on Temporal's test server, with time skipping: hours in milliseconds. */
@Timeout(60)
class MaintenanceWorkflowTests {

  private static final String HOST = "h1";
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  /** Idle for an hour, starting for 30 minutes, partial files a day; kept 30, 90 and 400 days. */
  private static final CleanupPolicy POLICY =
      new CleanupPolicy(
          Duration.ofHours(1),
          Duration.ofMinutes(30),
          Duration.ofHours(24),
          Duration.ofDays(30),
          Duration.ofDays(90),
          Duration.ofDays(400));

  /** Unloads the child workflows asked for, by model. */
  static final List<String> UNLOADED = new CopyOnWriteArrayList<>();

  /** The instances each unload was limited to, by model. */
  static final Map<String, List<String>> UNLOADED_INSTANCES = new ConcurrentHashMap<>();

  /** The idle TTL each unload was asked to check again, by model. */
  static final Map<String, Duration> UNLOADED_IDLE_TTLS = new ConcurrentHashMap<>();

  /** Models whose instances were all used after cleanup looked: their unload keeps them. */
  static final Set<String> USED_SINCE = ConcurrentHashMap.newKeySet();

  private TestWorkflowEnvironment env;
  private final FakeMaintenance fake = new FakeMaintenance();
  private final FakeModelStore store = new FakeModelStore();

  @BeforeEach
  void start() {
    UNLOADED.clear();
    UNLOADED_INSTANCES.clear();
    UNLOADED_IDLE_TTLS.clear();
    USED_SINCE.clear();
    env = TestWorkflowEnvironment.newInstance();
    Worker maintenance = env.newWorker(TaskQueues.MAINTENANCE);
    maintenance.registerWorkflowImplementationTypes(
        DiscoveryWorkflowImpl.class, CleanupWorkflowImpl.class);
    maintenance.registerActivitiesImplementations(fake);
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = store;
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.RUNTIME).registerWorkflowImplementationTypes(FakeUnload.class);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void theDiscoveryCronRunsEveryFiveMinutes() {
    DiscoveryWorkflow cron =
        env.getWorkflowClient()
            .newWorkflowStub(
                DiscoveryWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(MaintenanceWorkflowIds.discovery("test"))
                    .setTaskQueue(TaskQueues.MAINTENANCE)
                    .setCronSchedule("*/5 * * * *")
                    .build());
    WorkflowClient.start(cron::discover, DiscoveryRequest.cron());

    env.sleep(Duration.ofMinutes(31));

    assertThat(fake.plans.size()).isBetween(6, 7);
    // The first run added the model; every later one found it unchanged.
    assertThat(fake.plans.getFirst().toAdd()).extracting(ModelEntry::name).contains("tiny:latest");
    assertThat(fake.plans.getLast().toAdd()).isEmpty();
    assertThat(fake.plans.getLast().unchanged()).isEqualTo(2);
  }

  @Test
  void discoveryReportsAProviderThatIsDownAndMergesTheOthers() {
    fake.ollamaDown = true;

    DiscoveryResult result = discoverOnce();

    assertThat(result.added()).isEqualTo(1);
    assertThat(result.problems()).singleElement().asString().contains("ollama@h1");
    assertThat(fake.registered).extracting(ModelEntry::name).containsExactly("store/file.gguf");
  }

  @Test
  void discoveryReadsTheRegistryBeforeAndAfterAskingTheProviders() {
    discoverOnce();

    // Its updates go through only where rows held the same before and after the reports: a pull
    // committed meanwhile would otherwise be overwritten by an older report.
    assertThat(fake.calls)
        .containsExactly("registeredModels", "reportOllamaModels", "registeredModels");
  }

  @Test
  void anUpdateOfARowChangedWhileTheProvidersWereAskedIsLeftToTheNextRunAndSaidSo() {
    // Registered without a checksum; Ollama reports one, so discovery would update the row.
    ModelEntry registered =
        DiscoveryMergeTests.entry("local_ollama", "tiny:latest", "tiny:latest", 5L, null);
    fake.registered.add(registered);
    // A pull recorded a new size after discovery's first read.
    fake.changedAfterFirstRead =
        DiscoveryMergeTests.entry("local_ollama", "tiny:latest", "tiny:latest", 6L, "e");

    DiscoveryResult result = discoverOnce();

    assertThat(fake.plans.getLast().toUpdate()).isEmpty();
    assertThat(result.problems())
        .anySatisfy(problem -> assertThat(problem).contains("1 update(s) left to the next run"));
  }

  @Test
  void theCleanupCronRunsEveryHour() {
    CleanupWorkflow cron =
        env.getWorkflowClient()
            .newWorkflowStub(
                CleanupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(MaintenanceWorkflowIds.cleanup("test"))
                    .setTaskQueue(TaskQueues.MAINTENANCE)
                    .setCronSchedule("0 * * * *")
                    .build());
    long start = env.currentTimeMillis();
    WorkflowClient.start(cron::cleanUp, new CleanupRequest(CleanupPolicy.DEFAULTS));

    env.sleep(Duration.ofHours(5).plusMinutes(1));

    // A run at each hour's start: five or six in five hours and a minute, by when the clock began.
    long hoursBegun = (env.currentTimeMillis() / HOUR) - (start / HOUR);
    assertThat(fake.auditCutoffs.stream().distinct())
        .as("one cutoff per run")
        .hasSize((int) hoursBegun);
  }

  @Test
  void cleanupRemovesWhatIsIdleStuckOrAbandonedAndKeepsTheRest() {
    long now = env.currentTimeMillis();
    fake.instances.addAll(
        List.of(
            new ActiveInstance("i-idle", "local_gguf", "idle", HOST, "ready", now - 2 * HOUR, 0),
            new ActiveInstance("i-busy", "local_gguf", "busy", HOST, "ready", now - MINUTE, 0),
            new ActiveInstance(
                "i-stuck", "local_gguf", "stuck", HOST, "starting", now, now - 2 * HOUR),
            new ActiveInstance(
                "i-loading", "local_gguf", "loading", HOST, "starting", now, now - 2 * HOUR)));
    fake.running.add("load:local_gguf:loading");
    fake.running.add("pull:huggingface:org~repo~b.gguf");
    store.partials.addAll(
        List.of(
            new PartialFile("/s/a.gguf.partial", 1, now - 25 * HOUR, null),
            new PartialFile(
                "/s/b.gguf.partial", 1, now - 25 * HOUR, "pull:huggingface:org~repo~b.gguf"),
            new PartialFile("/s/c.gguf.partial", 1, now - HOUR, null)));
    CleanupResult result = cleanUpOnce(POLICY);

    assertThat(UNLOADED).containsExactly("local_gguf/idle");
    assertThat(UNLOADED_INSTANCES)
        .as("only the instances seen idle: one started since stays")
        .containsExactly(Map.entry("local_gguf/idle", List.of("i-idle")));
    assertThat(UNLOADED_IDLE_TTLS)
        .as("each instance is checked again as it is taken out of routing")
        .containsExactly(Map.entry("local_gguf/idle", Duration.ofHours(1)));
    assertThat(result.unloadedModels()).containsExactly("local_gguf/idle");
    assertThat(result.failedStarts()).containsExactly("i-stuck");
    assertThat(fake.failed).containsOnlyKeys("i-stuck");
    assertThat(fake.failed.get("i-stuck")).contains("no load or restart running");
    assertThat(store.stoppedInstances)
        .as("whatever the abandoned start left is stopped; the one still loading is not")
        .containsExactly("i-stuck");
    assertThat(store.deleted).containsExactly("/s/a.gguf.partial");
    assertThat(result.deletedPartialFiles()).containsExactly(HOST + ":/s/a.gguf.partial");
    long cutoff = now - Duration.ofDays(30).toMillis();
    assertThat(fake.auditCutoffs)
        .as("called again until nothing is left")
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).isBetween(cutoff, cutoff + 1_000));
    assertThat(result.deletedAuditRows()).isEqualTo(3);
    assertThat(result.problems()).isEmpty();
  }

  @Test
  void aStuckStartIsKeptForADeploymentStartingItButNotForOneThatIsBetweenStarts() {
    long now = env.currentTimeMillis();
    fake.instances.addAll(
        List.of(
            new ActiveInstance(
                "i-left", "local_gguf", "left", HOST, "starting", now, now - 2 * HOUR),
            new ActiveInstance(
                "i-starting", "local_gguf", "starting", HOST, "starting", now, now - 2 * HOUR)));
    // Both models are deployed; only the second deployment has a start under way.
    fake.running.addAll(List.of("deployment:local_gguf:left", "deployment:local_gguf:starting"));
    fake.runningBetweenStarts.add("deployment:local_gguf:left");

    CleanupResult result = cleanUpOnce(POLICY);

    assertThat(result.failedStarts()).containsExactly("i-left");
    assertThat(fake.failed).containsOnlyKeys("i-left");
    assertThat(store.stoppedInstances).containsExactly("i-left");
  }

  @Test
  void aModelStoreThatFailsIsAProblemNotAFailure() {
    store.broken = true;

    CleanupResult result = cleanUpOnce(CleanupPolicy.DEFAULTS);

    assertThat(result.problems()).singleElement().asString().startsWith("model store@h1");
    assertThat(fake.auditCutoffs).isNotEmpty();
  }

  @Test
  void theAuditPastRetentionIsDeletedCallByCallUntilNoneIsLeft() {
    fake.auditBatches.clear();
    fake.auditBatches.addAll(List.of(10_000, 10_000, 5));

    CleanupResult result = cleanUpOnce(CleanupPolicy.DEFAULTS);

    assertThat(result.deletedAuditRows()).isEqualTo(20_005);
    assertThat(fake.auditCutoffs).hasSize(4);
  }

  @Test
  void anAuditDeletionThatFailsIsAProblemNotAFailure() {
    fake.auditBroken = true;

    CleanupResult result = cleanUpOnce(CleanupPolicy.DEFAULTS);

    assertThat(result.problems()).singleElement().asString().startsWith("audit retention:");
    assertThat(result.deletedAuditRows()).isZero();
  }

  @Test
  void temporalUnreachableForTheOwnersCheckIsAProblemAndTheOtherPartsStillRun() {
    long now = env.currentTimeMillis();
    fake.instances.addAll(
        List.of(
            new ActiveInstance("i-idle", "local_gguf", "idle", HOST, "ready", now - 2 * HOUR, 0),
            new ActiveInstance(
                "i-stuck", "local_gguf", "stuck", HOST, "starting", now, now - 2 * HOUR)));
    fake.temporalDown = true;

    CleanupResult result = cleanUpOnce(CleanupPolicy.DEFAULTS);

    assertThat(result.problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("unload idle models: "))
        .anySatisfy(p -> assertThat(p).startsWith("fail abandoned starts: "));
    assertThat(result.unloadedModels()).isEmpty();
    assertThat(result.failedStarts()).isEmpty();
    assertThat(fake.auditCutoffs).as("the audit's retention still ran").isNotEmpty();
    assertThat(result.deletedAuditRows()).isEqualTo(3);
  }

  @Test
  void eachKindOfRecordPastItsRetentionIsDeletedAndAFailureIsAProblemOfItsKindOnly() {
    fake.brokenRecords = RetainedRecords.SCALING_DECISIONS;
    long now = env.currentTimeMillis();
    CleanupPolicy policy =
        new CleanupPolicy(null, null, null, null, Duration.ofDays(60), Duration.ofDays(365));

    CleanupResult result = cleanUpOnce(policy);

    assertThat(result.deletedRecords())
        .containsOnly(
            Map.entry(RetainedRecords.COST_RECORDS, 2),
            Map.entry(RetainedRecords.INSTANCE_EVENTS, 2),
            Map.entry(RetainedRecords.SCALING_DECISIONS, 0),
            Map.entry(RetainedRecords.ENDED_INSTANCES, 2));
    assertThat(fake.recordCutoffs.get(RetainedRecords.COST_RECORDS))
        .as("called again until nothing is left")
        .hasSize(2)
        .allSatisfy(
            c -> assertThat(c).isCloseTo(now - Duration.ofDays(365).toMillis(), within(5_000L)));
    assertThat(fake.recordCutoffs.get(RetainedRecords.ENDED_INSTANCES))
        .allSatisfy(
            c -> assertThat(c).isCloseTo(now - Duration.ofDays(60).toMillis(), within(5_000L)));
    assertThat(result.problems())
        .singleElement()
        .asString()
        .startsWith("scaling decisions retention:");
  }

  private DiscoveryResult discoverOnce() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            DiscoveryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(MaintenanceWorkflowIds.discoverNow("once"))
                .setTaskQueue(TaskQueues.MAINTENANCE)
                .build())
        .discover(new DiscoveryRequest("test"));
  }

  @Test
  void aModelUsedAfterCleanupLookedIsNotReportedUnloaded() {
    long now = env.currentTimeMillis();
    fake.instances.add(
        new ActiveInstance("i-idle", "local_gguf", "idle", HOST, "ready", now - 2 * HOUR, 0));
    USED_SINCE.add("local_gguf/idle");

    CleanupResult result = cleanUpOnce(POLICY);

    assertThat(UNLOADED).containsExactly("local_gguf/idle");
    assertThat(result.unloadedModels()).isEmpty();
    assertThat(result.problems()).isEmpty();
  }

  private CleanupResult cleanUpOnce(CleanupPolicy policy) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            CleanupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("cleanup-once")
                .setTaskQueue(TaskQueues.MAINTENANCE)
                .build())
        .cleanUp(new CleanupRequest(policy));
  }

  public static class FakeUnload implements UnloadModelWorkflow {

    @Override
    public UnloadModelResult unload(UnloadModelRequest request) {
      UNLOADED.add(request.model().toString());
      UNLOADED_INSTANCES.put(request.model().toString(), request.instanceIds());
      UNLOADED_IDLE_TTLS.put(request.model().toString(), request.idleTtl());
      return USED_SINCE.contains(request.model().toString())
          ? new UnloadModelResult(List.of(), request.instanceIds())
          : new UnloadModelResult(request.instanceIds(), List.of());
    }

    @Override
    public String phase() {
      return "done";
    }

    @Override
    public void unloadEverything() {}
  }

  static class FakeMaintenance
      implements DiscoveryActivities, CleanupActivities, InstanceOwnerActivities {

    final List<ModelEntry> registered = new CopyOnWriteArrayList<>();
    final List<DiscoveryPlan> plans = new CopyOnWriteArrayList<>();
    final List<String> hosts = new CopyOnWriteArrayList<>(List.of(HOST));
    final List<ActiveInstance> instances = new CopyOnWriteArrayList<>();
    final List<String> running = new CopyOnWriteArrayList<>();

    /** Running deployments with no start (no activity) under way. */
    final List<String> runningBetweenStarts = new CopyOnWriteArrayList<>();

    final Map<String, String> failed = new ConcurrentHashMap<>();
    final List<Long> auditCutoffs = new CopyOnWriteArrayList<>();

    /** What each call deletes, in turn; then nothing. */
    final Queue<Integer> auditBatches = new ConcurrentLinkedQueue<>(List.of(3));

    /** Cutoffs asked for, by kind; each kind's first call deletes 2, then none are left. */
    final Map<RetainedRecords, List<Long>> recordCutoffs = new ConcurrentHashMap<>();

    volatile boolean auditBroken;
    volatile boolean temporalDown;
    volatile RetainedRecords brokenRecords;
    volatile boolean ollamaDown;

    /** The discovery activities called, in order. */
    final List<String> calls = new CopyOnWriteArrayList<>();

    /** Set, the registry's one row as a pull left it after discovery's first read. */
    volatile ModelEntry changedAfterFirstRead;

    @Override
    public List<ModelEntry> registeredModels() {
      calls.add("registeredModels");
      List<ModelEntry> rows = new ArrayList<>(registered);
      if (changedAfterFirstRead != null && calls.indexOf("registeredModels") != calls.size() - 1) {
        return List.of(changedAfterFirstRead);
      }
      return rows;
    }

    @Override
    public ProviderReport reportOllamaModels() {
      calls.add("reportOllamaModels");
      if (ollamaDown) {
        return ProviderReport.unreachable("ollama@h1", "connection refused");
      }
      return new ProviderReport(
          "ollama@h1",
          true,
          List.of(DiscoveryMergeTests.entry("local_ollama", "tiny:latest", "tiny:latest", 5L, "d")),
          List.of(),
          null);
    }

    @Override
    public ProviderReport reportTgiModel() {
      return ProviderReport.notConfigured("tgi");
    }

    @Override
    public synchronized DiscoveryApplied applyDiscovery(DiscoveryPlan plan) {
      plans.add(plan);
      registered.addAll(plan.toAdd());
      return new DiscoveryApplied(plan.instances().size(), 0);
    }

    @Override
    public List<String> knownHosts() {
      return new ArrayList<>(hosts);
    }

    @Override
    public List<ActiveInstance> activeInstances() {
      return new ArrayList<>(instances);
    }

    @Override
    public List<String> runningWorkflows(List<String> workflowIds) {
      refuseWhileTemporalDown();
      return workflowIds.stream().filter(running::contains).toList();
    }

    private void refuseWhileTemporalDown() {
      if (temporalDown) {
        throw ApplicationFailure.newNonRetryableFailure(
            "DescribeWorkflowExecution: RESOURCE_EXHAUSTED", "StatusRuntimeException");
      }
    }

    @Override
    public List<String> ownersRunning(List<String> workflowIds) {
      refuseWhileTemporalDown();
      return workflowIds.stream()
          .filter(running::contains)
          .filter(id -> !runningBetweenStarts.contains(id))
          .toList();
    }

    @Override
    public boolean failAbandonedStart(String instanceId, String reason, long unchangedSince) {
      failed.put(instanceId, reason);
      return true;
    }

    @Override
    public int deleteAuditBefore(long cutoffMillis) {
      auditCutoffs.add(cutoffMillis);
      if (auditBroken) {
        throw ApplicationFailure.newNonRetryableFailure("statement timeout", "DatabaseDown");
      }
      Integer batch = auditBatches.poll();
      return batch == null ? 0 : batch;
    }

    @Override
    public int deleteRecordsBefore(RetainedRecords records, long cutoffMillis) {
      if (records == brokenRecords) {
        throw ApplicationFailure.newNonRetryableFailure("statement timeout", "DatabaseDown");
      }
      List<Long> cutoffs =
          recordCutoffs.computeIfAbsent(records, r -> new CopyOnWriteArrayList<>());
      cutoffs.add(cutoffMillis);
      return cutoffs.size() == 1 ? 2 : 0;
    }
  }

  /** The host: its model store, and its instances as far as stops go. */
  static class FakeModelStore implements ModelStoreActivities, InstanceHostActivities {

    final List<PartialFile> partials = new CopyOnWriteArrayList<>();
    final List<String> stoppedInstances = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    volatile boolean broken;

    @Override
    public ProviderReport reportModelStoreFiles() {
      return new ProviderReport(
          "model-store@h1",
          true,
          List.of(
              DiscoveryMergeTests.entry("local_gguf", "store/file.gguf", "/s/file.gguf", 9L, null)),
          List.of(),
          null);
    }

    @Override
    public List<PartialFile> listPartialFiles() {
      if (broken) {
        throw ApplicationFailure.newNonRetryableFailure("disk gone", "Io");
      }
      return new ArrayList<>(partials);
    }

    @Override
    public List<String> deletePartialFiles(List<String> paths, Duration olderThan) {
      deleted.addAll(paths);
      return paths;
    }

    @Override
    public StartedInstance startInstance(StartInstance request) {
      throw new UnsupportedOperationException("cleanup never starts an instance");
    }

    @Override
    public void stopInstance(String instanceId) {
      stoppedInstances.add(instanceId);
    }
  }
}
