package dev.modelyard.workflows.deployments;

import java.util.List;

/**
 * @param stoppedInstanceIds the instances stopped
 * @param notStopped for an idle cleanup's unload, the instances of its request it left alone: used
 *     since cleanup looked, or no longer ready or unhealthy (stopped, failed or restarting
 *     meanwhile); null in the results of runs from before there were any
 */
public record UnloadModelResult(List<String> stoppedInstanceIds, List<String> notStopped) {

  public UnloadModelResult(List<String> stoppedInstanceIds) {
    this(stoppedInstanceIds, List.of());
  }
}
