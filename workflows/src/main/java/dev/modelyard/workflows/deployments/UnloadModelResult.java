package dev.modelyard.workflows.deployments;

import java.util.List;

public record UnloadModelResult(List<String> stoppedInstanceIds) {}
