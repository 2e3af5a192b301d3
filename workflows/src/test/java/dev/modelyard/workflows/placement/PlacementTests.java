package dev.modelyard.workflows.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Best fit over recorded inventories: several hosts, several GPUs, fragmented free memory. */
class PlacementTests {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final List<DeviceMemory> FLEET = RecordedInventories.fleet("fleet.csv");

  @Test
  void aModelGoesToTheGpuWhereItFitsMostTightly() {
    // 5 GiB fits on gpu-b GPUs 0 (10 GiB free), 1 (6), 2 (23.4) and gpu-a's two: 1 is tightest.
    Placed placed = placed(request(5 * GIB), FLEET);

    assertThat(placed.hostId()).isEqualTo("gpu-b");
    assertThat(placed.shares())
        .containsExactly(new DeviceShare("GPU-b1111111-1111-1111-1111-111111111111", 1, 5 * GIB));
  }

  @Test
  void aLargeModelSkipsEveryDeviceTooSmallForIt() {
    // 45 GiB: only gpu-a GPU 0 (79.5 GiB free) holds it; GPU 1 has 40 GiB, the RAM host 48 GiB.
    Placed placed = placed(request(45 * GIB), FLEET);

    assertThat(placed.hostId()).isEqualTo("gpu-a");
    assertThat(placed.shares()).extracting(DeviceShare::index).containsExactly(0);
  }

  @Test
  void modelsShareAGpuUntilItIsFull() {
    List<DeviceMemory> h200 = RecordedInventories.host("h200", "h200-nvidia-smi.csv");
    List<Placed> placements = new ArrayList<>();

    PlacementDecision decision;
    while ((decision = Placement.place(request(20 * GIB), h200)) instanceof Placed placed) {
      placements.add(placed);
      h200 = reserve(h200, placed);
    }

    // 143156 MiB (139.8 GiB) free holds six 20 GiB models, not seven.
    assertThat(placements).hasSize(6);
    assertThat(placements)
        .allSatisfy(
            p ->
                assertThat(p.deviceIds())
                    .containsExactly("GPU-2dc4fe22-818c-fccb-029b-e0ea6bc3098c"));
    assertThat(decision)
        .isInstanceOfSatisfying(
            Refused.class, refused -> assertThat(refused.largestFreeBytes()).isLessThan(20 * GIB));
  }

  @Test
  void sharingFillsTheFullerGpuBeforeStartingAnEmptyOne() {
    List<DeviceMemory> twoGpus =
        List.of(
            new DeviceMemory("h", "GPU-0", 0, 80 * GIB, 0),
            new DeviceMemory("h", "GPU-1", 1, 80 * GIB, 0));
    List<Integer> indexes = new ArrayList<>();

    PlacementDecision decision;
    while ((decision = Placement.place(request(30 * GIB), twoGpus)) instanceof Placed placed) {
      indexes.add(placed.shares().getFirst().index());
      twoGpus = reserve(twoGpus, placed);
    }

    // Two 30 GiB models fill GPU 0 to 60 of 80 GiB; only then does GPU 1 take the next two.
    assertThat(indexes).containsExactly(0, 0, 1, 1);
    assertThat(decision)
        .isInstanceOfSatisfying(
            Refused.class, refused -> assertThat(refused.largestFreeBytes()).isEqualTo(20 * GIB));
  }

  @Test
  void explicitGpuIdsPinTheModelByIndexOrUuid() {
    Placed byIndex = placed(request(5 * GIB, "gpu-b", "2"), FLEET);
    Placed byUuid =
        placed(request(5 * GIB, null, "GPU-a1111111-1111-1111-1111-111111111111"), FLEET);

    assertThat(byIndex.hostId()).isEqualTo("gpu-b");
    assertThat(byIndex.shares()).extracting(DeviceShare::index).containsExactly(2);
    assertThat(byUuid.hostId()).isEqualTo("gpu-a");
    assertThat(byUuid.shares()).extracting(DeviceShare::index).containsExactly(1);
    // Hex digits in either case name the same GPU.
    assertThat(placed(request(5 * GIB, null, "GPU-A1111111-1111-1111-1111-111111111111"), FLEET))
        .isEqualTo(byUuid);
  }

  @Test
  void severalExplicitGpusShareTheNeedEvenly() {
    Placed placed = placed(request(16 * GIB, "gpu-b", "0", "2"), FLEET);

    assertThat(placed.shares())
        .extracting(DeviceShare::index, DeviceShare::bytes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, 8 * GIB),
            org.assertj.core.groups.Tuple.tuple(2, 8 * GIB));
  }

  @Test
  void anExplicitGpuWithoutRoomIsRefusedEvenWhenAnotherHasRoom() {
    Refused refused = refused(request(8 * GIB, "gpu-b", "1"), FLEET);

    assertThat(refused.needBytes()).isEqualTo(8 * GIB);
    assertThat(refused.largestFreeBytes()).isEqualTo(6 * GIB);
    assertThat(refused.reason())
        .isEqualTo(
            "needs 8.00 GiB on GPUs [1] (8.00 GiB on each); free: gpu-b GPU 1"
                + " (GPU-b1111111-1111-1111-1111-111111111111) 6.00 GiB");
  }

  @Test
  void anExplicitGpuNoHostHasIsRefused() {
    Refused refused = refused(request(1 * GIB, null, "7"), FLEET);

    assertThat(refused.reason())
        .isEqualTo("needs 1.00 GiB on GPUs [7], but no host has all of them");
  }

  @Test
  void nothingFitsSaysHowMuchIsNeededAndHowMuchIsFree() {
    Refused refused = refused(request(100 * GIB), FLEET);

    assertThat(refused.needBytes()).isEqualTo(100 * GIB);
    assertThat(refused.largestFreeBytes()).isEqualTo(81408L * 1024 * 1024);
    assertThat(refused.reason())
        .startsWith("needs 100.00 GiB; the most free on one device is 79.50 GiB (gpu-a GPU 0 (")
        .endsWith("), 209.94 GiB free in all on 7 devices");
  }

  @Test
  void fragmentedFreeMemoryDoesNotAddUpToOneFit() {
    // gpu-b has 42.44 GiB free over four GPUs, but no single GPU has 24 GiB.
    Refused refused = refused(request(24 * GIB, "gpu-b"), FLEET);

    assertThat(refused.largestFreeBytes()).isEqualTo(24000L * 1024 * 1024);
    assertThat(refused.reason()).contains("42.44 GiB free in all on 4 devices");
  }

  @Test
  void aCpuOnlyHostPlacesByFreeRamWhenNoGpuHasRoom() {
    // 42 GiB: too much for gpu-a GPU 1 (40 GiB) and every 4090; gpu-a GPU 0 is taken here.
    List<DeviceMemory> gpuAFull =
        reserve(
            FLEET,
            new Placed(
                "gpu-a", List.of(new DeviceShare(FLEET.getFirst().deviceId(), 0, 70 * GIB))));

    Placed placed = placed(request(42 * GIB), gpuAFull);

    assertThat(placed.hostId()).isEqualTo("cpu-c");
    assertThat(placed.deviceIds()).containsExactly(DeviceMemory.CPU);
  }

  @Test
  void aGpuIsPreferredToRamEvenWhenRamFitsMoreTightly() {
    List<DeviceMemory> devices =
        List.of(
            DeviceMemory.ram("cpu-host", 9 * GIB, 0),
            new DeviceMemory("gpu-host", "GPU-0", 0, 80 * GIB, 0));

    assertThat(placed(request(8 * GIB), devices).hostId()).isEqualTo("gpu-host");
  }

  @Test
  void aHostWithoutAReportIsRefusedClearly() {
    Refused refused = refused(request(1 * GIB, "nowhere"), FLEET);

    assertThat(refused.reason())
        .isEqualTo("needs 1.00 GiB; no host of [nowhere] has reported its memory");
  }

  @Test
  void aDeviceReportedSmallerThanItsReservationsHasNothingFree() {
    DeviceMemory shrunk = new DeviceMemory("h", "GPU-0", 0, 10 * GIB, 12 * GIB);

    assertThat(shrunk.freeBytes()).isZero();
    assertThat(Placement.place(request(1), List.of(shrunk))).isInstanceOf(Refused.class);
  }

  private static PlacementRequest request(long bytes) {
    return new PlacementRequest(bytes, List.of(), List.of());
  }

  private static PlacementRequest request(long bytes, String host, String... gpuIds) {
    return new PlacementRequest(bytes, host == null ? List.of() : List.of(host), List.of(gpuIds));
  }

  private static Placed placed(PlacementRequest request, List<DeviceMemory> devices) {
    PlacementDecision decision = Placement.place(request, devices);
    assertThat(decision).isInstanceOf(Placed.class);
    return (Placed) decision;
  }

  private static Refused refused(PlacementRequest request, List<DeviceMemory> devices) {
    PlacementDecision decision = Placement.place(request, devices);
    assertThat(decision).isInstanceOf(Refused.class);
    return (Refused) decision;
  }

  /** The devices after the placement's shares are reserved on them. */
  private static List<DeviceMemory> reserve(List<DeviceMemory> devices, Placed placed) {
    return devices.stream()
        .map(
            d ->
                new DeviceMemory(
                    d.hostId(),
                    d.deviceId(),
                    d.index(),
                    d.capacityBytes(),
                    d.reservedBytes()
                        + placed.shares().stream()
                            .filter(
                                s ->
                                    d.hostId().equals(placed.hostId())
                                        && s.deviceId().equals(d.deviceId()))
                            .mapToLong(DeviceShare::bytes)
                            .sum()))
        .toList();
  }
}
