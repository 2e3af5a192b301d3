package dev.modelyard.workflows;

import dev.modelyard.workflows.deployments.DeploymentWorkflowImpl;
import dev.modelyard.workflows.deployments.LoadModelWorkflowImpl;
import dev.modelyard.workflows.deployments.UnloadModelWorkflowImpl;
import dev.modelyard.workflows.maintenance.CleanupWorkflowImpl;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflowImpl;
import dev.modelyard.workflows.models.PullModelWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Histories recorded from earlier versions of the workflows (in src/test/resources/histories)
 * replayed against today's code: a change that would break running workflows fails here, and needs
 * {@code Workflow.getVersion} before it may land. Add a history when a workflow changes shape;
 * never edit one.
 */
class RecordedHistoriesReplayTests {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "pull-local-gguf.json, pull",
    "pull-invalid-file.json, pull",
    "load-started.json, load",
    "load-already-loaded.json, load",
    "load-start-failed-and-compensated.json, load",
    "load-placed.json, load",
    "load-placed-start-failed-and-released.json, load",
    "load-placement-refused.json, load",
    "deployment-scaled-up-and-down.json, deployment",
    "deployment-start-failed-and-compensated.json, deployment",
    "deployment-placed-scaled-up-and-down.json, deployment",
    "deployment-placed-start-failed-and-released.json, deployment",
    "deployment-autoscaled-to-zero-and-woken.json, deployment",
    // Recorded at db19f4e, before idle unloads checked again and discovery read the registry first.
    "unload-all.json, unload",
    "unload-only-instances-seen.json, unload",
    "cleanup-unloaded-idle-failed-stuck-deleted-old.json, cleanup",
    "discovery-merged.json, discovery",
    "unload-idle-rechecked-and-drained.json, unload",
    "unload-idle-joined-by-a-users-unload.json, unload",
    "cleanup-unload-rechecks-idle.json, cleanup",
    "discovery-registry-read-first.json, discovery"
  })
  void replaysWithoutNondeterminism(String history, String workflow) throws Exception {
    Class<?> type =
        switch (workflow) {
          case "pull" -> PullModelWorkflowImpl.class;
          case "load" -> LoadModelWorkflowImpl.class;
          case "deployment" -> DeploymentWorkflowImpl.class;
          case "unload" -> UnloadModelWorkflowImpl.class;
          case "cleanup" -> CleanupWorkflowImpl.class;
          case "discovery" -> DiscoveryWorkflowImpl.class;
          default -> throw new IllegalArgumentException(workflow);
        };
    WorkflowReplayer.replayWorkflowExecution(read(history), type);
  }

  private static String read(String history) throws IOException {
    try (InputStream in =
        RecordedHistoriesReplayTests.class.getResourceAsStream("/histories/" + history)) {
      if (in == null) {
        throw new IllegalStateException("missing history " + history);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
