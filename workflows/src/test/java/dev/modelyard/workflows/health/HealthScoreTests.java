package dev.modelyard.workflows.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthScoreTests {

  private static final ScoringPolicy POLICY = ScoringPolicy.DEFAULTS;

  @Test
  void aFastInstanceWithoutFailuresScoresFull() {
    assertThat(HealthScore.of(30.0, 25.0, 0, 20, 0, POLICY)).isEqualTo(100);
    assertThat(HealthScore.of(null, null, 0, 0, 0, POLICY)).isEqualTo(100);
  }

  @Test
  void latencyJitterUnderTheBaselineFloorCostsNothing() {
    // 3 ms against 1 ms is three times slower, but both are loopback noise under the 100 ms floor.
    assertThat(HealthScore.of(3.0, 1.0, 0, 20, 0, POLICY)).isEqualTo(100);
  }

  @Test
  void slownessLowersTheScoreLinearlyBetweenTheSlowAndSaturatedRatios() {
    double baseline = 200;
    assertThat(HealthScore.of(1.5 * baseline, baseline, 0, 20, 0, POLICY)).isEqualTo(100);
    // Half way from 1.5× to 6× loses half the latency weight.
    assertThat(HealthScore.of(3.75 * baseline, baseline, 0, 20, 0, POLICY))
        .isEqualTo(100 - HealthScore.LATENCY_WEIGHT / 2);
    assertThat(HealthScore.of(50 * baseline, baseline, 0, 20, 0, POLICY))
        .isEqualTo(100 - HealthScore.LATENCY_WEIGHT);
  }

  @Test
  void slownessAloneNeverMakesAnInstanceUnhealthy() {
    int slowest = HealthScore.of(1e9, 100.0, 0, 20, 0, POLICY);

    assertThat(slowest).isEqualTo(100 - HealthScore.LATENCY_WEIGHT);
    assertThat(slowest).isGreaterThanOrEqualTo(POLICY.unhealthyBelow());
  }

  @Test
  void theErrorRateOverTheWindowLowersTheScore() {
    assertThat(HealthScore.of(50.0, 50.0, 5, 20, 0, POLICY))
        .isEqualTo(100 - HealthScore.ERROR_WEIGHT / 4);
    assertThat(HealthScore.of(50.0, 50.0, 20, 20, 0, POLICY))
        .isEqualTo(100 - HealthScore.ERROR_WEIGHT);
  }

  @Test
  void aFailureStreakDominatesAndAThirdFailureNearlyZeroesTheScore() {
    assertThat(HealthScore.of(50.0, 50.0, 1, 20, 1, POLICY)).isEqualTo(73);
    assertThat(HealthScore.of(50.0, 50.0, 3, 20, 3, POLICY)).isEqualTo(19);
    assertThat(HealthScore.of(50.0, 50.0, 4, 20, 4, POLICY)).isZero();
  }

  @Test
  void aHistoryKeepsTheWindowTheAverageAndTheLowestAverageAsBaseline() {
    ScoringPolicy policy = new ScoringPolicy(3, 0.5, null, null, Duration.ofMillis(10), null);
    InstanceHealth health = InstanceHealth.fresh();
    for (long latency : new long[] {100, 40, 40, 400}) {
      health = health.with(new HealthSample(0, ProbeOutcome.ANSWERED, latency), policy);
    }

    assertThat(health.samples()).hasSize(3);
    // EWMA: 100 → 70 → 55 → 227.5; the baseline is the lowest of them.
    assertThat(health.latencyEwmaMillis()).isEqualTo(227.5);
    assertThat(health.baselineMillis()).isEqualTo(55.0);
    assertThat(health.score()).isLessThan(100);
    assertThat(health.state(policy)).isEqualTo(InstanceHealth.READY);
  }

  @Test
  void aFailureStartsAStreakThatAnAnswerOrABusyProbeEnds() {
    InstanceHealth health =
        InstanceHealth.fresh()
            .with(new HealthSample(0, ProbeOutcome.ANSWERED, 20), POLICY)
            .with(new HealthSample(1, ProbeOutcome.FAILED, 0), POLICY)
            .with(new HealthSample(2, ProbeOutcome.FAILED, 0), POLICY);

    assertThat(health.consecutiveFailures()).isEqualTo(2);
    assertThat(health.state(POLICY)).isEqualTo(InstanceHealth.UNHEALTHY);
    // A failure has no latency: the average is still the answered 20 ms.
    assertThat(health.latencyEwmaMillis()).isEqualTo(20.0);

    InstanceHealth busy = health.with(new HealthSample(3, ProbeOutcome.BUSY, 5_000), POLICY);

    assertThat(busy.consecutiveFailures()).isZero();
    assertThat(busy.baselineMillis()).isEqualTo(20.0);
    assertThat(busy.score()).isLessThan(health.score() + 50).isGreaterThan(health.score());
  }

  @Test
  void anInstanceBusyFromItsFirstProbeIsMeasuredAgainstTheFloor() {
    InstanceHealth busy =
        InstanceHealth.fresh().with(new HealthSample(0, ProbeOutcome.BUSY, 5_000), POLICY);

    assertThat(busy.baselineMillis()).isNull();
    assertThat(busy.score()).isEqualTo(100 - HealthScore.LATENCY_WEIGHT);
    assertThat(busy.state(POLICY)).isEqualTo(InstanceHealth.READY);
  }

  @Test
  void restartBackoffGrowsExponentiallyUpToItsCap() {
    RestartPolicy policy =
        new RestartPolicy(6, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(10), null);

    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void policiesRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> new ScoringPolicy(0, null, null, null, null, null))
        .hasMessageContaining("window")
        .hasMessageContaining("0");
    assertThatThrownBy(
            () ->
                new HealthPolicy(
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("suspectInterval");
    assertThatThrownBy(() -> new RestartPolicy(0, null, null, null, null))
        .hasMessageContaining("maxAttempts");
  }

  @Test
  void workflowIdsAreFixedPerDeploymentAndDerivedFromTheInstance() {
    assertThat(HealthWorkflowIds.healthCheck(null)).isEqualTo("health-check");
    assertThat(HealthWorkflowIds.healthCheck("eu-1")).isEqualTo("health-check:eu-1");
    assertThat(HealthWorkflowIds.restart("i-1")).isEqualTo("restart:i-1");
    assertThatThrownBy(() -> HealthWorkflowIds.healthCheck("a b")).hasMessageContaining("'a b'");
  }
}
