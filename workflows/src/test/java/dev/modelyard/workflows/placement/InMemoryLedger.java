package dev.modelyard.workflows.placement;

import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The placement ledger in memory, for workflow tests: these prove when a workflow reserves and
 * releases, while the PostgreSQL ledger has its own tests (the concurrent race included).
 */
public class InMemoryLedger implements PlacementActivities {

  private final List<DeviceMemory> capacities;
  private final long needBytes;
  private final Map<String, Placed> reservations = new LinkedHashMap<>();
  public final List<ReserveRequest> requests = new CopyOnWriteArrayList<>();

  /** A ledger over these devices where every model needs {@code needBytes}. */
  public InMemoryLedger(List<DeviceMemory> capacities, long needBytes) {
    this.capacities = List.copyOf(capacities);
    this.needBytes = needBytes;
  }

  @Override
  public MemoryEstimate estimate(EstimateRequest request) {
    return new MemoryEstimate(
        needBytes - MemoryEstimate.OVERHEAD_BYTES, 0, MemoryEstimate.OVERHEAD_BYTES);
  }

  @Override
  public synchronized Placed reserve(ReserveRequest request) {
    requests.add(request);
    Placed existing = reservations.get(request.reservationId());
    if (existing != null) {
      return existing;
    }
    PlacementDecision decision = Placement.place(request.placement(), devices());
    return switch (decision) {
      case Placed placed -> {
        reservations.put(request.reservationId(), placed);
        yield placed;
      }
      case Refused refused ->
          throw ApplicationFailure.newNonRetryableFailure(
              refused.reason(), PLACEMENT_REFUSED, refused);
    };
  }

  @Override
  public synchronized void release(String reservationId) {
    reservations.remove(reservationId);
  }

  public synchronized Map<String, Placed> reservations() {
    return Map.copyOf(reservations);
  }

  private List<DeviceMemory> devices() {
    return capacities.stream()
        .map(
            d ->
                new DeviceMemory(
                    d.hostId(),
                    d.deviceId(),
                    d.index(),
                    d.capacityBytes(),
                    reservations.values().stream()
                        .filter(p -> p.hostId().equals(d.hostId()))
                        .flatMap(p -> p.shares().stream())
                        .filter(s -> s.deviceId().equals(d.deviceId()))
                        .mapToLong(DeviceShare::bytes)
                        .sum()))
        .toList();
  }
}
