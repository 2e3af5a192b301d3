package dev.modelyard.workers.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.placement.ModelFactsQuery;
import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.infra.placement.ReportedDevice;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workers.deployments.InstanceRegistryActivitiesImpl;
import dev.modelyard.workers.models.ModelRegistryActivitiesImpl;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.LoadModelWorkflowImpl;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.deployments.UnloadModelWorkflowImpl;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.placement.MemoryEstimate;
import dev.modelyard.workflows.placement.ModelFacts;
import dev.modelyard.workflows.placement.PlacementActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Twenty load workflows started at once for twenty models that all need the same GPU, with the real
 * registry and ledger in PostgreSQL and a simulated host on which two models fail every start. The
 * GPU is never oversold, refusals are clean, and nothing stays reserved once the failed loads are
 * compensated and the rest unloaded.
 */
class LoadsRacingForOneGpuTests {

  private static final String HOST = "host-a";
  private static final int LOADS = 20;
  private static final int FIT = 6;
  private static final ModelFacts FACTS = ModelFacts.of(500_000_000, "F16", 1_000_000_000);
  private static final int CONTEXT = 512;
  private static final long NEED = MemoryEstimate.of(FACTS, CONTEXT).totalBytes();
  private static final long CAPACITY = FIT * NEED + NEED / 2;

  private FreshSchema database;
  private PlacementLedger ledger;
  private TestWorkflowEnvironment env;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger mostRunning = new AtomicInteger();
  private final AtomicLong mostReserved = new AtomicLong();
  private final Set<String> failingModels = new HashSet<>();

  @BeforeEach
  void start() {
    database = new FreshSchema();
    database.dataSource.setMaximumPoolSize(LOADS);
    JdbcClient jdbc = JdbcClient.create(database.dataSource);
    ModelRegistry registry = new ModelRegistry(jdbc);
    registry.recordHost(HOST, TaskQueues.host(HOST));
    for (int i = 0; i < LOADS; i++) {
      registry.registerModel(
          new RegisterModel(
              model(i),
              HOST,
              new ModelFileFacts(
                  "/models/m" + i + ".gguf",
                  FACTS.fileSizeBytes(),
                  "00",
                  "gguf",
                  "llama",
                  FACTS.parameterCount(),
                  FACTS.quantisation(),
                  4096)));
    }
    ledger = new PlacementLedger(database.dataSource);
    ledger.recordInventory(
        HOST,
        List.of(new ReportedDevice("GPU-0", 0, "simulated", 2 * CAPACITY, CAPACITY)),
        Set.of());

    env = TestWorkflowEnvironment.newInstance();
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(
        LoadModelWorkflowImpl.class, UnloadModelWorkflowImpl.class);
    runtime.registerActivitiesImplementations(
        new ModelRegistryActivitiesImpl(registry),
        new InstanceRegistryActivitiesImpl(registry),
        new PlacementActivitiesImpl(ledger, new ModelFactsQuery(jdbc)));
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new SimulatedHost();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    database.close();
  }

  @Test
  void twentyConcurrentLoadsNeverOversellTheGpuNorLeakAReservation() {
    WorkflowClient client = env.getWorkflowClient();
    List<CompletableFuture<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < LOADS; i++) {
      LoadModelWorkflow load =
          client.newWorkflowStub(
              LoadModelWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(WorkflowIds.load(model(i)))
                  .setTaskQueue(TaskQueues.RUNTIME)
                  .build());
      outcomes.add(
          WorkflowClient.execute(
                  load::load,
                  new LoadModelRequest(model(i), new ResourceRequirements(CONTEXT, 1, 1)))
              .handle((result, failure) -> failure == null ? "ready" : outcome(failure)));
    }
    Map<String, Long> counts =
        outcomes.stream()
            .map(CompletableFuture::join)
            .collect(
                java.util.stream.Collectors.groupingBy(
                    o -> o, java.util.stream.Collectors.counting()));

    // Every load ended as ready, as a compensated failed start, or as a clean refusal.
    assertThat(counts.keySet()).isSubsetOf("ready", "start failed", "refused");
    assertThat(counts.get("refused")).isPositive();
    assertThat(counts.get("start failed")).isPositive();
    assertThat(mostRunning.get()).isLessThanOrEqualTo(FIT);
    assertThat(mostReserved.get()).isLessThanOrEqualTo(CAPACITY);
    // What stays reserved is exactly what runs.
    assertThat(ledger.reservationIds()).containsExactlyInAnyOrderElementsOf(running);
    assertThat(ledger.devices().getFirst().reservedBytes()).isEqualTo(running.size() * NEED);

    for (int i = 0; i < LOADS; i++) {
      client
          .newWorkflowStub(
              UnloadModelWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(WorkflowIds.unload(model(i)))
                  .setTaskQueue(TaskQueues.RUNTIME)
                  .build())
          .unload(new UnloadModelRequest(model(i)));
    }
    assertThat(running).isEmpty();
    assertThat(ledger.reservationIds()).isEmpty();
    assertThat(ledger.devices().getFirst().reservedBytes()).isZero();
  }

  private static String outcome(Throwable failure) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
    assertThat(cause).isInstanceOf(WorkflowFailedException.class);
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root instanceof ApplicationFailure app
            && PlacementActivities.PLACEMENT_REFUSED.equals(app.getType())
        ? "refused"
        : "start failed";
  }

  private static ModelRef model(int i) {
    return new ModelRef(Provider.LOCAL_GGUF, "racer-" + i);
  }

  /** Starts take a little while, so loads overlap; two models fail to start. */
  private class SimulatedHost implements InstanceHostActivities {

    @Override
    public StartedInstance startInstance(StartInstance request) {
      mostReserved.accumulateAndGet(ledger.devices().getFirst().reservedBytes(), Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fails(request.modelPath())) {
        throw new IllegalStateException("CUDA out of memory");
      }
      running.add(request.instanceId());
      mostRunning.accumulateAndGet(running.size(), Math::max);
      return new StartedInstance(request.instanceId(), "http://127.0.0.1:9000");
    }

    @Override
    public void stopInstance(String instanceId) {
      running.remove(instanceId);
    }

    /**
     * The first two models to reach the host fail every start. Chosen by the model's index, as
     * before, about one run in twenty placed only models that start, and nothing was left to
     * compensate.
     */
    private synchronized boolean fails(String modelPath) {
      if (failingModels.size() < 2) {
        failingModels.add(modelPath);
      }
      return failingModels.contains(modelPath);
    }
  }
}
