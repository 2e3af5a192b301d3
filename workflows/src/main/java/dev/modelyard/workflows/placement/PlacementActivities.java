package dev.modelyard.workflows.placement;

import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import io.temporal.activity.ActivityInterface;

/**
 * The placement ledger: memory is reserved on a device before an instance starts there, and
 * released when it stops or fails to start. Reservations on one device are serialized by the
 * ledger, so concurrent loads never oversell it.
 */
@ActivityInterface
public interface PlacementActivities {

  /**
   * Failure type of a reservation that fits nowhere; never retried. Its details hold the {@link
   * PlacementDecision.Refused} with the bytes needed and the most free on one device.
   */
  String PLACEMENT_REFUSED = "PlacementRefused";

  /** What an instance of the model would need, from the facts the registry holds about it. */
  MemoryEstimate estimate(EstimateRequest request);

  /**
   * Chooses host and devices by best fit and reserves the memory there, in one step.
   *
   * @throws io.temporal.failure.ApplicationFailure of type {@link #PLACEMENT_REFUSED} when nothing
   *     fits
   */
  Placed reserve(ReserveRequest request);

  /** Releases what the reservation holds; releasing one that holds nothing is not an error. */
  void release(String reservationId);
}
