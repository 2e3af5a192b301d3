package dev.modelyard.workflows.maintenance;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One discovery: asks every provider in parallel, merges their answers with the registry (a pure
 * function, {@link DiscoveryMerge}) and writes the result. A provider or host that does not answer
 * is a problem to report, not a reason to fail: the next run asks again.
 */
public class DiscoveryWorkflowImpl implements DiscoveryWorkflow {

  /** A provider that does not answer quickly is down; the next run comes in minutes. */
  private static final ActivityOptions PROVIDERS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumAttempts(3)
                  .build())
          .build();

  private final DiscoveryActivities discovery =
      Workflow.newActivityStub(DiscoveryActivities.class, RegistryOptions.DEFAULT);
  private final DiscoveryActivities providers =
      Workflow.newActivityStub(DiscoveryActivities.class, PROVIDERS);

  private String phase = "starting";

  /**
   * Runs that read the registry before asking the providers as well as after: an update is made
   * only where a row held the same before and after (and still does when written), since a report
   * (they take minutes) older than a pull committed meanwhile would write its stale facts over the
   * pull's; the merge uses the later read, so that a model registered meanwhile is found.
   */
  static final String REGISTRY_FIRST_CHANGE = "discovery-reads-registry-first";

  @Override
  public DiscoveryResult discover(DiscoveryRequest request) {
    List<ModelEntry> before = null;
    if (Workflow.getVersion(REGISTRY_FIRST_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
      phase = "reading the registry";
      before = discovery.registeredModels();
    }
    phase = "asking providers";
    Map<String, Promise<ProviderReport>> asked = new LinkedHashMap<>();
    asked.put("ollama", Async.function(providers::reportOllamaModels));
    asked.put("tgi", Async.function(providers::reportTgiModel));
    for (String hostId : discovery.knownHosts()) {
      ModelStoreActivities store = modelStoreOn(hostId, "list model files on " + hostId);
      asked.put("model-store@" + hostId, Async.function(store::reportModelStoreFiles));
    }

    List<ProviderReport> reports = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Promise<ProviderReport>> answer : asked.entrySet()) {
      try {
        ProviderReport report = answer.getValue().get();
        reports.add(report);
        if (report.problem() != null) {
          problems.add(report.source() + ": " + report.problem());
        }
      } catch (ActivityFailure failure) {
        problems.add(answer.getKey() + ": " + rootMessage(failure));
      }
    }

    phase = "merging";
    DiscoveryPlan plan = DiscoveryMerge.merge(discovery.registeredModels(), reports);
    if (before != null) {
      int merged = plan.toUpdate().size();
      plan = DiscoveryMerge.withoutRowsChangedSince(plan, before);
      if (plan.toUpdate().size() < merged) {
        problems.add(
            (merged - plan.toUpdate().size())
                + " update(s) left to the next run: their rows changed while the providers were"
                + " asked");
      }
    }
    DiscoveryApplied applied = discovery.applyDiscovery(plan);
    DiscoveryResult result =
        new DiscoveryResult(
            plan.toAdd().size(),
            plan.toUpdate().size(),
            plan.unchanged(),
            plan.instances().size(),
            applied.instancesStopped(),
            problems);
    phase = "done";
    return result;
  }

  @Override
  public String phase() {
    return phase;
  }

  static ModelStoreActivities modelStoreOn(String hostId, String summary) {
    return Workflow.newActivityStub(
        ModelStoreActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.host(hostId))
            // A host that is gone never picks the task up; the run reports it and goes on.
            .setScheduleToStartTimeout(Duration.ofMinutes(1))
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .setSummary(summary)
            .build());
  }

  static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
