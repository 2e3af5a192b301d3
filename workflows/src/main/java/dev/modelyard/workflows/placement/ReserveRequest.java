package dev.modelyard.workflows.placement;

import java.util.Objects;

/**
 * Reserve memory for {@code reservationId} (the instance ID it is for). Asking again with the same
 * ID returns the reservation already made.
 */
public record ReserveRequest(String reservationId, PlacementRequest placement) {

  public ReserveRequest {
    Objects.requireNonNull(reservationId, "reservationId");
    Objects.requireNonNull(placement, "placement");
  }
}
