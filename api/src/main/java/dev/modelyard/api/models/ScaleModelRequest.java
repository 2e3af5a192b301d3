package dev.modelyard.api.models;

import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/local-llm/models/scale}. The range is checked here so that the common mistake
 * never reaches Temporal; the deployment workflow's update validator checks it again.
 */
record ScaleModelRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @NotNull @Min(0) @Max(DeploymentWorkflow.MAX_INSTANCES) Integer desiredInstances) {}
