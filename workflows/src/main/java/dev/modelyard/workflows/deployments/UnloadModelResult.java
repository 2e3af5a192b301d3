package dev.modelyard.workflows.deployments;

import java.util.List;

/**
 * @param stoppedInstanceIds the instances stopped
 * @param keptInUse for an idle cleanup's unload, the instances used since it looked, left running
 *     (null from runs before there were any)
 */
public record UnloadModelResult(List<String> stoppedInstanceIds, List<String> keptInUse) {

  public UnloadModelResult(List<String> stoppedInstanceIds) {
    this(stoppedInstanceIds, List.of());
  }
}
