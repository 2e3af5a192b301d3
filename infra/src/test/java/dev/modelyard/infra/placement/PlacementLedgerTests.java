package dev.modelyard.infra.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.placement.DeviceMemory;
import dev.modelyard.workflows.placement.PlacementDecision;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import dev.modelyard.workflows.placement.PlacementRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger against the real PostgreSQL of the test environment, in a schema of its own. */
class PlacementLedgerTests {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final String GPU = "GPU-2dc4fe22-818c-fccb-029b-e0ea6bc3098c";

  private FreshSchema database;
  private PlacementLedger ledger;

  @BeforeEach
  void migrate() {
    database = new FreshSchema();
    ledger = new PlacementLedger(database.dataSource);
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  void twentyLoadsRacingForOneGpuNeverOversellItAndLeakNothing() throws Exception {
    // One simulated GPU with 10 GiB free; each of 20 loads needs 1.5 GiB: exactly 6 fit.
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 16 * GIB, 10 * GIB)), Set.of());
    int loads = 20;
    // At least as many connections as racers, so that they really meet at the row lock.
    database.dataSource.setMaximumPoolSize(loads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<PlacementDecision>> decisions = new ArrayList<>();
    try (ExecutorService racers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < loads; i++) {
        String instanceId = "instance-" + i;
        decisions.add(
            racers.submit(
                () -> {
                  go.await();
                  return ledger.reserve(instanceId, request(1536L * 1024 * 1024, "host-a"));
                }));
      }
      go.countDown();
    }

    List<Placed> placed = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    for (Future<PlacementDecision> decision : decisions) {
      switch (decision.get()) {
        case Placed p -> placed.add(p);
        case Refused r -> refused.add(r);
      }
    }
    assertThat(placed).hasSize(6);
    assertThat(refused)
        .hasSize(14)
        .allSatisfy(
            r -> {
              assertThat(r.needBytes()).isEqualTo(1536L * 1024 * 1024);
              assertThat(r.largestFreeBytes()).isEqualTo(1 * GIB);
              assertThat(r.reason())
                  .startsWith("needs 1.50 GiB; the most free on one device is 1.00 GiB");
            });
    DeviceMemory device = ledger.devices().getFirst();
    assertThat(device.reservedBytes())
        .isEqualTo(9 * GIB)
        .isLessThanOrEqualTo(device.capacityBytes());

    // The placed loads then fail or unload, each releasing (some twice, as a retried release is).
    for (int i = 0; i < loads; i++) {
      ledger.release("instance-" + i);
      ledger.release("instance-" + i);
    }
    assertThat(ledger.reservationIds()).isEmpty();
    assertThat(ledger.devices().getFirst().reservedBytes()).isZero();
  }

  @Test
  void reservingAgainWithTheSameIdReturnsTheSameReservation() {
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 16 * GIB, 10 * GIB)), Set.of());

    PlacementDecision first = ledger.reserve("instance-1", request(4 * GIB, "host-a"));
    PlacementDecision again = ledger.reserve("instance-1", request(4 * GIB, "host-a"));

    assertThat(again).isEqualTo(first);
    assertThat(ledger.devices().getFirst().reservedBytes()).isEqualTo(4 * GIB);
  }

  @Test
  void aReservationSpansEveryExplicitGpuAndIsReleasedWhole() {
    ledger.recordInventory(
        "host-a",
        List.of(gpu("GPU-0", 0, 24 * GIB, 24 * GIB), gpu("GPU-1", 1, 24 * GIB, 24 * GIB)),
        Set.of());

    PlacementDecision decision =
        ledger.reserve(
            "instance-1", new PlacementRequest(30 * GIB, List.of("host-a"), List.of("0", "1")));

    assertThat(decision).isInstanceOf(Placed.class);
    assertThat(ledger.devices())
        .extracting(DeviceMemory::reservedBytes)
        .containsExactly(15 * GIB, 15 * GIB);
    assertThat(ledger.release("instance-1")).isTrue();
    assertThat(ledger.release("instance-1")).isFalse();
    assertThat(ledger.devices()).extracting(DeviceMemory::reservedBytes).containsExactly(0L, 0L);
  }

  @Test
  void aCpuOnlyHostOffersItsRam() {
    ledger.recordInventory("cpu-host", List.of(ReportedDevice.ram(64 * GIB, 40 * GIB)), Set.of());

    PlacementDecision decision = ledger.reserve("instance-1", request(8 * GIB, "cpu-host"));

    assertThat(decision)
        .isInstanceOfSatisfying(
            Placed.class, p -> assertThat(p.deviceIds()).containsExactly(DeviceMemory.CPU));
  }

  @Test
  void aReportCountsTheLedgersOwnReservationsAsUsableAndDropsVanishedDevices() {
    ledger.recordInventory(
        "host-a",
        List.of(gpu("GPU-0", 0, 80 * GIB, 80 * GIB), gpu("GPU-1", 1, 80 * GIB, 80 * GIB)),
        Set.of());
    ledger.reserve("instance-1", new PlacementRequest(30 * GIB, List.of(), List.of("0")));

    // The instance now uses its 30 GiB, so NVML reports 50 free; GPU-1 fell off the bus.
    ledger.recordInventory(
        "host-a", List.of(gpu("GPU-0", 0, 80 * GIB, 50 * GIB)), Set.of("instance-1"));

    assertThat(ledger.devices())
        .containsExactly(
            new DeviceMemory("host-a", "GPU-0", 0, 80 * GIB, 30 * GIB),
            new DeviceMemory("host-a", "GPU-1", 1, 0, 0));
  }

  @Test
  void aWorkerRestartedAfterItsInstancesDiedDoesNotCountTheirMemoryTwice() {
    // 24 GiB, of which something outside Modelyard uses 4; instance-1 reserved 12 and runs.
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 24 * GIB, 20 * GIB)), Set.of());
    ledger.reserve("instance-1", request(12 * GIB, "host-a"));

    // The worker restarts; instance-1 died with it (its row still says ready, and a restart will
    // bring it back on its reservation), so NVML reports its 12 GiB free again.
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 24 * GIB, 20 * GIB)), Set.of());

    assertThat(ledger.devices().getFirst().capacityBytes()).isEqualTo(20 * GIB);
    assertThat(ledger.reserve("instance-2", request(10 * GIB, "host-a")))
        .as("8 GiB are really free once instance-1 is back")
        .isInstanceOf(Refused.class);
  }

  @Test
  void aReservationOfAnInstanceRecordedFailedOrStoppedHoldsNothing() {
    // 13 GiB free: four 3 GiB reservations leave 1 GiB, too little for the 4 GiB one at the end.
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 16 * GIB, 13 * GIB)), Set.of());
    ModelRegistry registry = new ModelRegistry(JdbcClient.create(database.dataSource));
    registry.recordHost("host-a", "modelyard-host-host-a");
    RegisteredModel model =
        registry.registerModel(
            new RegisterModel(
                new ModelRef(Provider.LOCAL_GGUF, "m"),
                "host-a",
                new ModelFileFacts("/m.gguf", 1, "00", "gguf", "llama", 1, "F16", 2048)));
    for (String id : List.of("failed", "stopped", "ready")) {
      ledger.reserve(id, request(3 * GIB, "host-a"));
      registry.recordStarting(
          new NewInstance(id, model.modelId(), "host-a", ResourceRequirements.DEFAULTS));
    }
    ledger.reserve("not-yet-recorded", request(3 * GIB, "host-a"));

    registry.recordFailed("failed", "gave up restarting");
    registry.recordStopped("stopped");

    // The ready and the not yet recorded instance hold memory; the two others no longer do.
    assertThat(ledger.devices().getFirst().reservedBytes()).isEqualTo(6 * GIB);
    assertThat(ledger.reserve("next", request(4 * GIB, "host-a"))).isInstanceOf(Placed.class);
  }

  @Test
  void aRefusalReservesNothing() {
    ledger.recordInventory("host-a", List.of(gpu(GPU, 0, 16 * GIB, 10 * GIB)), Set.of());

    PlacementDecision decision = ledger.reserve("instance-1", request(11 * GIB, "host-a"));

    assertThat(decision).isInstanceOf(Refused.class);
    assertThat(ledger.reservationIds()).isEmpty();
  }

  @Test
  void anInventoryReportedInIndexOrderWaitsForAReservationRatherThanDeadlockingWithIt()
      throws Exception {
    // GPU 0's ID sorts after GPU 1's: reported by index, its rows were locked out of ID order.
    String gpu0 = "GPU-f0000000-0000-0000-0000-000000000000";
    String gpu1 = "GPU-a0000000-0000-0000-0000-000000000000";
    List<ReportedDevice> byIndex =
        List.of(gpu(gpu0, 0, 16 * GIB, 16 * GIB), gpu(gpu1, 1, 16 * GIB, 16 * GIB));
    ledger.recordInventory("host-a", byIndex, Set.of());
    var transactions = new TransactionTemplate(new JdbcTransactionManager(database.dataSource));
    JdbcClient jdbc = JdbcClient.create(database.dataSource);
    CountDownLatch firstLocked = new CountDownLatch(1);
    try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
      // What a reservation does: both rows locked in ID order, the second a moment later.
      Future<?> reservation =
          both.submit(
              () ->
                  transactions.executeWithoutResult(
                      status -> {
                        lockDevice(jdbc, gpu1);
                        firstLocked.countDown();
                        pause(1_000);
                        lockDevice(jdbc, gpu0);
                      }));
      firstLocked.await();
      Future<?> inventory = both.submit(() -> ledger.recordInventory("host-a", byIndex, Set.of()));

      reservation.get();
      inventory.get();
    }
    assertThat(ledger.devices()).hasSize(2);
  }

  private static void lockDevice(JdbcClient jdbc, String deviceId) {
    jdbc.sql("select device_id from placement_devices where device_id = :id for update")
        .param("id", deviceId)
        .query(String.class)
        .single();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ReportedDevice gpu(String uuid, int index, long total, long free) {
    return new ReportedDevice(uuid, index, "NVIDIA H200", total, free);
  }

  private static PlacementRequest request(long bytes, String host) {
    return new PlacementRequest(bytes, List.of(host), List.of());
  }
}
