package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.deployments.AutoscalingAccepted;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import jakarta.validation.Valid;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A model's autoscaling policy: set, replaced or removed; its decisions show in the status. */
@RestController
@RequestMapping("/api/v1/local-llm/models/autoscaling")
class ModelAutoscalingController {

  private final ModelDeployments deployments;
  private final ModelRegistry registry;

  ModelAutoscalingController(ModelDeployments deployments, ModelRegistry registry) {
    this.deployments = deployments;
    this.registry = registry;
  }

  @PutMapping
  AutoscalingResponse set(@Valid @RequestBody AutoscalingBody body) {
    AutoscalingPolicy policy;
    try {
      policy = body.policy();
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(AutoscalingBody.fieldOf(e.getMessage()), e.getMessage());
    }
    // After the body's checks, as for loads: a bad body is a 400 whether or not the model exists.
    ModelRef model = scalable(body.provider(), body.modelName());
    return response(model, deployments.autoscale(model, policy));
  }

  /** Turns autoscaling off; the count stays where the autoscaler left it. */
  @DeleteMapping
  AutoscalingResponse remove(
      @RequestParam(required = false) String provider,
      @RequestParam(name = "model_name", required = false) String modelName) {
    if (modelName == null || modelName.isBlank()) {
      throw new InvalidFieldException("model_name", "model_name is required");
    }
    if (provider == null || provider.isBlank()) {
      throw new InvalidFieldException("provider", "provider is required");
    }
    ModelRef model = scalable(provider, modelName);
    return response(model, deployments.autoscale(model, null));
  }

  private ModelRef scalable(String providerName, String modelName) {
    Provider provider = ModelsController.provider(providerName);
    if (!ModelsController.PULLABLE.contains(provider)) {
      throw new InvalidFieldException(
          "provider",
          provider.wireName()
              + " models are servers registered by URL; Modelyard cannot scale them");
    }
    ModelRef model = new ModelRef(provider, modelName);
    if (registry.findModel(model).isEmpty()) {
      throw new NotFoundException("model " + model + " is not registered; pull it first");
    }
    return model;
  }

  private AutoscalingResponse response(ModelRef model, AutoscalingAccepted accepted) {
    return new AutoscalingResponse(
        deployments.taskId(model),
        AutoscalingView.of(accepted.policy()),
        accepted.desiredInstances(),
        "/api/v1/local-llm/models/status?provider="
            + model.provider().wireName()
            + "&model_name="
            + URLEncoder.encode(model.name(), StandardCharsets.UTF_8));
  }
}
