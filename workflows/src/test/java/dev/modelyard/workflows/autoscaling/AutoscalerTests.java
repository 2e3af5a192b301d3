package dev.modelyard.workflows.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoscalerTests {

  private static final long MINUTE = 60_000;

  /** Long after every cooldown and idle period of the policies below. */
  private static final long LATER = 60 * MINUTE;

  private final AutoscalingPolicy policy =
      AutoscalingPolicy.between(1, 5)
          .withTargetInFlightPerReplica(4)
          .withP95LatencyCeiling(Duration.ofMillis(800));

  @Test
  void scalesUpToWhatCarriesTheLoadAtTheTarget() {
    ScalingDecision decision = decide(policy, 2, new LoadSummary(13, 40, null));

    assertThat(decision.toReplicas()).isEqualTo(4);
    assertThat(decision.reason())
        .isEqualTo("6.50 in flight per replica is above the target of 4.00");
  }

  @Test
  void neverScalesAboveTheMaximumAndSaysSo() {
    assertThat(decide(policy, 2, new LoadSummary(100, 400, null)).toReplicas()).isEqualTo(5);

    ScalingDecision atMax = decide(policy, 5, new LoadSummary(100, 400, null));
    assertThat(atMax.changes()).isFalse();
    assertThat(atMax.reason())
        .startsWith("at the maximum of 5 replicas although 20.00 in flight per replica");
  }

  @Test
  void aP95AboveTheCeilingAddsAReplicaWhenReplicasAreBusy() {
    LoadSummary slow = new LoadSummary(3, 50, Duration.ofMillis(1200));

    ScalingDecision decision = decide(policy, 2, slow);

    assertThat(decision.toReplicas()).isEqualTo(3);
    assertThat(decision.reason()).isEqualTo("p95 latency 1200 ms is above the ceiling of 800 ms");
  }

  @Test
  void slowCallsOnIdleReplicasOrTooFewCallsDoNotScaleUp() {
    assertThat(decide(policy, 2, new LoadSummary(1, 50, Duration.ofSeconds(3))).changes())
        .as("half a call in flight per replica: slow prompts, not load")
        .isFalse();
    assertThat(decide(policy, 2, new LoadSummary(3, 4, Duration.ofSeconds(3))).changes())
        .as("four calls are too few for a percentile")
        .isFalse();
  }

  @Test
  void theScaleUpCooldownHoldsTheCountAndSaysHowLongItHasToRun() {
    ScalingDecision decision =
        Autoscaler.decide(policy, 2, new LoadSummary(13, 40, null), 100_000, 90_000, 0);

    assertThat(decision.changes()).isFalse();
    assertThat(decision.reason())
        .isEqualTo(
            "6.50 in flight per replica is above the target of 4.00,"
                + " but the scale-up cooldown has 20s to run");
  }

  @Test
  void scalesDownOnlyWellBelowTheTargetAndAfterItsCooldown() {
    // 4 replicas carrying 10: 2.5 each. Three would carry 3.33 (83% of the target): hold.
    assertThat(decide(policy, 4, new LoadSummary(10, 30, null)).changes()).isFalse();

    // 4 replicas carrying 5: two carry it at 2.5 each, within 70% of the target.
    ScalingDecision down = decide(policy, 4, new LoadSummary(5, 30, null));
    assertThat(down.toReplicas()).isEqualTo(2);
    assertThat(down.reason())
        .isEqualTo(
            "1.25 in flight per replica is well below the target of 4.00; 2 replicas carry it");

    ScalingDecision cooling =
        Autoscaler.decide(policy, 4, new LoadSummary(5, 30, null), 4 * MINUTE, 0, 4 * MINUTE);
    assertThat(cooling.changes()).isFalse();
    assertThat(cooling.reason()).endsWith("but the scale-down cooldown has 1m to run");
  }

  @Test
  void doesNotScaleDownWhileLatencyIsAboveTheCeiling() {
    LoadSummary quietButSlow = new LoadSummary(1, 30, Duration.ofSeconds(2));

    assertThat(decide(policy, 4, quietButSlow).changes()).isFalse();
  }

  @Test
  void neverScalesBelowTheMinimumNorToZeroWithAMinimum() {
    assertThat(decide(policy, 3, LoadSummary.NONE).toReplicas()).isEqualTo(1);
    assertThat(decide(policy, 1, LoadSummary.NONE).changes()).isFalse();
    assertThat(decide(policy, 0, LoadSummary.NONE))
        .isEqualTo(new ScalingDecision(0, 1, "below the minimum of 1 replicas"));
    assertThat(decide(policy, 7, LoadSummary.NONE))
        .isEqualTo(new ScalingDecision(7, 5, "above the maximum of 5 replicas"));
  }

  @Test
  void scalesToZeroOnlyAfterTheIdlePeriodWithoutRequests() {
    AutoscalingPolicy toZero =
        AutoscalingPolicy.between(0, 3).withIdlePeriod(Duration.ofMinutes(15));

    ScalingDecision idle =
        Autoscaler.decide(toZero, 2, LoadSummary.NONE, 20 * MINUTE, 0, 5 * MINUTE);
    assertThat(idle).isEqualTo(new ScalingDecision(2, 0, "no request for 15m (idle period 15m)"));

    assertThat(
            Autoscaler.decide(toZero, 2, LoadSummary.NONE, 19 * MINUTE, 0, 5 * MINUTE).toReplicas())
        .as("14 minutes idle")
        .isEqualTo(1);
    assertThat(Autoscaler.decide(toZero, 1, new LoadSummary(0.01, 1, null), LATER, 0, 0).changes())
        .as("a request in the window")
        .isFalse();
  }

  @Test
  void atZeroItHoldsForTheColdStart() {
    AutoscalingPolicy toZero = AutoscalingPolicy.between(0, 3);

    ScalingDecision decision = decide(toZero, 0, LoadSummary.NONE);

    assertThat(decision.changes()).isFalse();
    assertThat(decision.reason()).isEqualTo("scaled to zero; the next request starts an instance");
  }

  @Test
  void theWithinTargetHoldSaysWhereTheLoadIs() {
    assertThat(decide(policy, 2, new LoadSummary(7, 10, null)).reason())
        .isEqualTo("3.50 in flight per replica is within the target of 4.00");
  }

  @Test
  void aPolicyIsValidatedWithTheBadValueInTheMessage() {
    assertThatThrownBy(() -> AutoscalingPolicy.between(3, 2))
        .hasMessage("min_replicas must not exceed max_replicas, was 3 > 2");
    assertThatThrownBy(() -> AutoscalingPolicy.between(-1, 2))
        .hasMessage("min_replicas must not be negative, was -1");
    assertThatThrownBy(() -> AutoscalingPolicy.between(0, 0))
        .hasMessage("max_replicas must be at least 1, was 0");
    assertThatThrownBy(() -> policy.withTargetInFlightPerReplica(0))
        .hasMessage("target_in_flight_per_replica must be positive, was 0.0");
    assertThatThrownBy(() -> policy.withP95LatencyCeiling(Duration.ZERO))
        .hasMessage("p95_latency_ceiling must be positive, was PT0S");
    assertThatThrownBy(() -> policy.withCooldowns(Duration.ofSeconds(-1), Duration.ZERO))
        .hasMessage("scale_up_cooldown must not be negative, was PT-1S");
    assertThatThrownBy(() -> policy.withEvaluation(Duration.ofMillis(500), Duration.ofMinutes(1)))
        .hasMessage("evaluation_interval must be at least PT1S, was PT0.5S");
    assertThat(AutoscalingPolicy.between(0, 1).idlePeriod())
        .isEqualTo(AutoscalingPolicy.DEFAULT_IDLE_PERIOD);
  }

  @Test
  void aPolicyWaitingLongerThanTheBoundsAsAnOlderBuildStoredItIsCappedNotRefused() {
    // As the data converter wrote it into a deployment's history before the bounds existed: 40
    // days of cooldown, idle period and evaluation interval, and a two-hour p95 ceiling. Refusing
    // it would fail every replay of that deployment.
    Duration days40 = Duration.ofDays(40);
    Payload stored =
        DefaultDataConverter.STANDARD_INSTANCE
            .toPayload(new StoredPolicy(1, 3, days40, days40, days40, days40, Duration.ofHours(2)))
            .orElseThrow();

    AutoscalingPolicy read =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            stored, AutoscalingPolicy.class, AutoscalingPolicy.class);

    assertThat(read.scaleUpCooldown()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(read.scaleDownCooldown()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(read.idlePeriod()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(read.evaluationInterval()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(read.p95LatencyCeiling()).isEqualTo(AutoscalingPolicy.MAX_P95_LATENCY_CEILING);
    assertThat(read.minReplicas()).isEqualTo(1);
    assertThat(read.maxReplicas()).isEqualTo(3);
  }

  /** The fields of a policy as the data converter names them, with no checks of its own. */
  record StoredPolicy(
      int minReplicas,
      int maxReplicas,
      Duration scaleUpCooldown,
      Duration scaleDownCooldown,
      Duration idlePeriod,
      Duration evaluationInterval,
      Duration p95LatencyCeiling) {}

  @Test
  void durationsInReasonsAreShort() {
    assertThat(Autoscaler.human(Duration.ofMinutes(15))).isEqualTo("15m");
    assertThat(Autoscaler.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Autoscaler.human(Duration.ofMillis(2500))).isEqualTo("2.5s");
    assertThat(Autoscaler.human(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Autoscaler.human(Duration.ZERO)).isEqualTo("0s");
  }

  /** Long after any change and any request, so that no cooldown or idle period is running. */
  private static ScalingDecision decide(AutoscalingPolicy policy, int current, LoadSummary load) {
    return Autoscaler.decide(policy, current, load, LATER, 0, LATER);
  }
}
