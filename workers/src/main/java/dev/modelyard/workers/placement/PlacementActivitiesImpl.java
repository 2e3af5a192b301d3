package dev.modelyard.workers.placement;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.placement.ModelFactsQuery;
import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.placement.EstimateRequest;
import dev.modelyard.workflows.placement.MemoryEstimate;
import dev.modelyard.workflows.placement.ModelFacts;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import dev.modelyard.workflows.placement.ReserveRequest;
import io.temporal.failure.ApplicationFailure;

public class PlacementActivitiesImpl implements PlacementActivities {

  private final PlacementLedger ledger;
  private final ModelFactsQuery models;

  public PlacementActivitiesImpl(PlacementLedger ledger, ModelFactsQuery models) {
    this.ledger = ledger;
    this.models = models;
  }

  @Override
  public MemoryEstimate estimate(EstimateRequest request) {
    ModelFacts facts =
        models
            .find(request.modelId())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "model " + request.modelId() + " is not registered",
                        ModelRegistryActivities.MODEL_NOT_FOUND));
    // The engine holds the context of every slot at once: its KV cache is context × slots.
    EngineOptions options =
        EngineOptions.of(request.contextLength(), null, request.parallelSlots());
    return MemoryEstimate.of(facts, (long) options.contextLength() * options.parallelSlots());
  }

  @Override
  public Placed reserve(ReserveRequest request) {
    return switch (ledger.reserve(request.reservationId(), request.placement())) {
      case Placed placed -> placed;
      case Refused refused ->
          throw ApplicationFailure.newNonRetryableFailure(
              refused.reason(), PLACEMENT_REFUSED, refused);
    };
  }

  @Override
  public void release(String reservationId) {
    ledger.release(reservationId);
  }
}
