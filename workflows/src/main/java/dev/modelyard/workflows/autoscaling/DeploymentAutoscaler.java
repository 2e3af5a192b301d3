package dev.modelyard.workflows.autoscaling;

import dev.modelyard.workflows.models.ModelRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The autoscaling half of a deployment workflow: its policy, its clocks and its decisions. Workflow
 * code (it runs inside the deployment, on workflow time); the rules themselves are {@link
 * Autoscaler}'s. Update handlers only change state and queue records; the deployment's main loop
 * writes the queued records with {@link #flush()}, so that a scale is accepted without waiting on
 * the database.
 */
public final class DeploymentAutoscaler {

  /** Manual scales that count as activity; before, one was undone by the idle rule. */
  static final String MANUAL_SCALE_CHANGE = "manual-scale-resets-idle";

  /** How many decisions the status shows; the scaling log in PostgreSQL keeps them all. */
  public static final int RECENT_DECISIONS = 10;

  private final AutoscalingActivities loads =
      Workflow.newActivityStub(AutoscalingActivities.class, AutoscalingOptions.LOAD);
  private final AutoscalingActivities decisions =
      Workflow.newActivityStub(AutoscalingActivities.class, AutoscalingOptions.RECORD);

  private final ModelRef model;
  private AutoscalingPolicy policy;
  private long lastChangeMillis;
  private long lastActiveMillis;

  /** When the last window was read; 0 when none has been. */
  private long lastReadMillis;

  /**
   * Deployments that read the time between their windows (see {@link #lookIntoTheGap}); before, a
   * gap between windows counted as idle.
   */
  static final String UNSEEN_TIME_IS_USE_CHANGE = "unseen-time-is-use";

  private long nextEvaluationMillis;
  private String lastEvaluation;
  private final Deque<ScalingRecord> recent = new ArrayDeque<>();
  private final List<ScalingRecord> unrecorded = new ArrayList<>();

  public DeploymentAutoscaler(ModelRef model, AutoscalerState carried) {
    AutoscalerState state = carried != null ? carried : AutoscalerState.OFF;
    this.model = model;
    this.policy = state.policy();
    this.lastChangeMillis = state.lastChangeMillis();
    this.lastActiveMillis = state.lastActiveMillis();
    this.nextEvaluationMillis = state.nextEvaluationMillis();
    this.lastReadMillis = state.lastReadMillis();
    this.recent.addAll(state.recentDecisions());
  }

  public boolean enabled() {
    return policy != null;
  }

  public AutoscalingPolicy policy() {
    return policy;
  }

  public Duration evaluationInterval() {
    return policy.evaluationInterval();
  }

  /**
   * When the load is next read: an interval after the last reading, whatever re-checks and runs
   * come between; a policy changed meanwhile to a shorter interval counts it from now.
   */
  public long nextEvaluationAt(long nowMillis) {
    long byInterval = nowMillis + evaluationInterval().toMillis();
    nextEvaluationMillis =
        nextEvaluationMillis == 0 ? byInterval : Math.min(nextEvaluationMillis, byInterval);
    return nextEvaluationMillis;
  }

  /** The load was read now: the next reading is an interval away. */
  public void evaluated(long nowMillis) {
    nextEvaluationMillis = nowMillis + evaluationInterval().toMillis();
  }

  /**
   * Turns autoscaling on with {@code newPolicy}, or off with null; returns the count to hold now. A
   * count outside the new bounds moves to the nearest at once, rather than at the first evaluation.
   */
  public int setPolicy(AutoscalingPolicy newPolicy, int desired) {
    long now = Workflow.currentTimeMillis();
    policy = newPolicy;
    // A reading scheduled under an older policy, or before autoscaling was last off, is not due.
    nextEvaluationMillis = 0;
    if (newPolicy == null) {
      queue(ScalingRecord.POLICY, desired, desired, "autoscaling off; the count stays", null);
      return desired;
    }
    // Idle from now, not from whenever the model last saw a request under an older policy.
    lastActiveMillis = now;
    int clamped = newPolicy.clamp(desired);
    if (clamped != desired) {
      lastChangeMillis = now;
    }
    queue(ScalingRecord.POLICY, desired, clamped, "autoscaling on: " + describe(newPolicy), null);
    return clamped;
  }

  /**
   * A scale requested while autoscaling: to zero turns autoscaling off (an unload does this, and
   * the autoscaler must not bring back what it stopped); any other count is where autoscaling
   * continues from.
   */
  public void scaledByRequest(int from, int to) {
    if (policy == null) {
      return;
    }
    long now = Workflow.currentTimeMillis();
    lastChangeMillis = now;
    if (to > 0 && Workflow.getVersion(MANUAL_SCALE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // Someone warming the model up expects use: idle is counted from now, or a model idle for
      // hours would be scaled back to zero at the next evaluation.
      lastActiveMillis = now;
    }
    if (to == 0) {
      policy = null;
      queue(ScalingRecord.REQUEST, from, to, "scaled to 0 by request; autoscaling off", null);
    } else {
      queue(
          ScalingRecord.REQUEST,
          from,
          to,
          "scaled to %d by request; autoscaling continues from there".formatted(to),
          null);
    }
  }

  /**
   * A request found no instance: from zero, to the first replica (or the minimum); otherwise the
   * count stays. Returns the count to hold.
   */
  public int wake(int desired) {
    long now = Workflow.currentTimeMillis();
    lastActiveMillis = now;
    if (desired > 0) {
      return desired;
    }
    int first = Math.max(1, policy.minReplicas());
    lastChangeMillis = now;
    queue(ScalingRecord.COLD_START, 0, first, "a request arrived while scaled to zero", null);
    return first;
  }

  /** The model's load over the policy's window, or null when it cannot be read now. */
  public LoadSummary readLoad(int desired) {
    long readAt = Workflow.currentTimeMillis();
    try {
      LoadSummary load = loads.modelLoad(new LoadQuery(model, policy.metricsWindow()));
      if (Workflow.getVersion(UNSEEN_TIME_IS_USE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        lookIntoTheGap(readAt);
        lastReadMillis = readAt;
      }
      return load;
    } catch (ActivityFailure failure) {
      lastEvaluation = "holding at %d: cannot read the load: %s".formatted(desired, root(failure));
      return null;
    }
  }

  /**
   * Time between the last window read and this one (an evaluation interval longer than the window,
   * a long reconciliation, reads that failed) is read as well: had no request in it, it is idle;
   * had one, or cannot be read (older than the samples kept, or the read failed), it counts as use.
   * Before, it counted as idle, and the next quiet window could scale a model in use to zero.
   */
  private void lookIntoTheGap(long readAt) {
    long windowStart = readAt - policy.metricsWindow().toMillis();
    if (lastReadMillis == 0 || windowStart - lastReadMillis <= SAMPLE_MILLIS) {
      return;
    }
    Duration sinceLastRead = Duration.ofMillis(readAt - lastReadMillis + SAMPLE_MILLIS);
    boolean used = true;
    if (sinceLastRead.compareTo(SAMPLES_KEPT) <= 0) {
      try {
        used = loads.modelLoad(new LoadQuery(model, sinceLastRead)).active();
      } catch (ActivityFailure failure) {
        // Unknown: counts as use.
      }
    }
    if (used) {
      lastActiveMillis = Math.max(lastActiveMillis, windowStart);
    }
  }

  /** The gateway's samples are 5 s windows: a gap shorter than one is no gap. */
  private static final long SAMPLE_MILLIS = 5_000;

  /** How far back samples can be read: the API keeps them longer than the longest window. */
  private static final Duration SAMPLES_KEPT = AutoscalingPolicy.MAX_METRICS_WINDOW;

  /** Decides from {@code load}; a change is queued for the log with the load it was made from. */
  public ScalingDecision decide(int desired, LoadSummary load) {
    long now = Workflow.currentTimeMillis();
    if (load.active()) {
      lastActiveMillis = now;
    }
    ScalingDecision decision =
        Autoscaler.decide(policy, desired, load, now, lastChangeMillis, lastActiveMillis);
    lastEvaluation = decision.reason();
    if (decision.changes()) {
      lastChangeMillis = now;
      queue(
          ScalingRecord.AUTOSCALER,
          decision.fromReplicas(),
          decision.toReplicas(),
          decision.reason(),
          load);
    }
    return decision;
  }

  /**
   * Writes the queued decisions to the scaling log. Handlers may queue more while a write is in
   * flight; those are written in the same call.
   */
  public void flush() {
    while (!unrecorded.isEmpty()) {
      ScalingRecord next = unrecorded.removeFirst();
      try {
        decisions.recordDecision(next);
      } catch (ActivityFailure failure) {
        // The deployment must go on scaling; the decision stays in the status, saying so.
        lastEvaluation =
            "the decision to go from %d to %d could not be logged: %s"
                .formatted(next.fromReplicas(), next.toReplicas(), root(failure));
      }
    }
  }

  public String lastEvaluation() {
    return lastEvaluation;
  }

  public List<ScalingRecord> recentDecisions() {
    return List.copyOf(recent);
  }

  public AutoscalerState carry() {
    return new AutoscalerState(
        policy,
        lastChangeMillis,
        lastActiveMillis,
        List.copyOf(recent),
        nextEvaluationMillis,
        lastReadMillis);
  }

  private void queue(String trigger, int from, int to, String reason, LoadSummary load) {
    ScalingRecord record =
        new ScalingRecord(model, Workflow.currentTimeMillis(), trigger, from, to, reason, load);
    unrecorded.add(record);
    recent.addLast(record);
    while (recent.size() > RECENT_DECISIONS) {
      recent.removeFirst();
    }
  }

  static String describe(AutoscalingPolicy policy) {
    return "%d..%d replicas, target %s in flight per replica%s, cooldowns %s up / %s down%s"
        .formatted(
            policy.minReplicas(),
            policy.maxReplicas(),
            Autoscaler.decimal(policy.targetInFlightPerReplica()),
            policy.p95LatencyCeiling() == null
                ? ""
                : ", p95 ceiling " + policy.p95LatencyCeiling().toMillis() + " ms",
            Autoscaler.human(policy.scaleUpCooldown()),
            Autoscaler.human(policy.scaleDownCooldown()),
            policy.minReplicas() == 0
                ? ", to zero after " + Autoscaler.human(policy.idlePeriod()) + " idle"
                : "");
  }

  private static String root(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : cause.getMessage();
  }
}
