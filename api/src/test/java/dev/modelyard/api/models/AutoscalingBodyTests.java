package dev.modelyard.api.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The body's bounds and the policy's: what one accepts the other does, and both name the field. */
class AutoscalingBodyTests {

  private static final long TOO_LONG_FOR_MILLIS = 10_000_000_000_000_000L;

  private static ValidatorFactory validation;
  private static Validator validator;

  @BeforeAll
  static void validator() {
    validation = Validation.buildDefaultValidatorFactory();
    validator = validation.getValidator();
  }

  @AfterAll
  static void close() {
    validation.close();
  }

  @Test
  void everyDurationAtItsMaximumMakesAPolicy() {
    AutoscalingBody longest =
        body(
            AutoscalingBody.MAX_P95_LATENCY_CEILING_MS,
            AutoscalingBody.MAX_WAIT_SECONDS,
            AutoscalingBody.MAX_WAIT_SECONDS,
            AutoscalingBody.MAX_WAIT_SECONDS,
            AutoscalingBody.MAX_WAIT_SECONDS,
            AutoscalingBody.MAX_METRICS_WINDOW_SECONDS);

    assertThat(validator.validate(longest)).isEmpty();
    AutoscalingPolicy policy = longest.policy();
    assertThat(policy.scaleUpCooldown()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(policy.evaluationInterval()).isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(policy.p95LatencyCeiling()).isEqualTo(AutoscalingPolicy.MAX_P95_LATENCY_CEILING);
    assertThat(policy.metricsWindow()).isEqualTo(AutoscalingPolicy.MAX_METRICS_WINDOW);
  }

  @Test
  void aDurationBeyondItsMaximumIsRefusedByTheBodyNamingItsField() {
    assertThat(violations(body(null, TOO_LONG_FOR_MILLIS, null, null, null, null)))
        .containsExactly("scaleUpCooldownSeconds");
    assertThat(violations(body(null, null, AutoscalingBody.MAX_WAIT_SECONDS + 1, null, null, null)))
        .containsExactly("scaleDownCooldownSeconds");
    assertThat(violations(body(null, null, null, AutoscalingBody.MAX_WAIT_SECONDS + 1, null, null)))
        .containsExactly("idlePeriodSeconds");
    assertThat(violations(body(null, null, null, null, TOO_LONG_FOR_MILLIS, null)))
        .containsExactly("evaluationIntervalSeconds");
    assertThat(
            violations(
                body(AutoscalingBody.MAX_P95_LATENCY_CEILING_MS + 1, null, null, null, null, null)))
        .containsExactly("p95LatencyCeilingMs");
    assertThat(
            violations(
                body(null, null, null, null, null, AutoscalingBody.MAX_METRICS_WINDOW_SECONDS + 1)))
        .containsExactly("metricsWindowSeconds");
  }

  @Test
  void aDurationTooLongToReadAsMillisecondsIsCappedByThePolicyBehindTheBodysCheck() {
    // The body refuses it (above); a policy read back from a history older than that check
    // caps it instead, so that the deployment carrying it still replays.
    assertThat(body(null, TOO_LONG_FOR_MILLIS, null, null, null, null).policy().scaleUpCooldown())
        .isEqualTo(AutoscalingPolicy.MAX_WAIT);
    assertThat(
            body(null, null, null, null, TOO_LONG_FOR_MILLIS, null).policy().evaluationInterval())
        .isEqualTo(AutoscalingPolicy.MAX_WAIT);
  }

  @Test
  void thePolicyCapsEveryWaitAtThirtyDaysAndTheCeilingAtAnHour() {
    AutoscalingPolicy policy = AutoscalingPolicy.between(0, 2);
    Duration month = AutoscalingPolicy.MAX_WAIT;
    Duration longer = month.plusSeconds(1);

    AutoscalingPolicy capped =
        policy
            .withCooldowns(longer, longer)
            .withIdlePeriod(longer)
            .withEvaluation(longer, Duration.ofMinutes(1))
            .withP95LatencyCeiling(Duration.ofSeconds(Long.MAX_VALUE));

    assertThat(capped.scaleUpCooldown()).isEqualTo(month);
    assertThat(capped.scaleDownCooldown()).isEqualTo(month);
    assertThat(capped.idlePeriod()).isEqualTo(month);
    assertThat(capped.evaluationInterval()).isEqualTo(month);
    assertThat(capped.p95LatencyCeiling()).isEqualTo(AutoscalingPolicy.MAX_P95_LATENCY_CEILING);
  }

  private static Set<String> violations(AutoscalingBody body) {
    return validator.validate(body).stream()
        .map(ConstraintViolation::getPropertyPath)
        .map(Object::toString)
        .collect(Collectors.toSet());
  }

  private static AutoscalingBody body(
      Long p95LatencyCeilingMs,
      Long scaleUpCooldownSeconds,
      Long scaleDownCooldownSeconds,
      Long idlePeriodSeconds,
      Long evaluationIntervalSeconds,
      Long metricsWindowSeconds) {
    return new AutoscalingBody(
        "local_gguf",
        "tiny",
        0,
        2,
        null,
        p95LatencyCeilingMs,
        scaleUpCooldownSeconds,
        scaleDownCooldownSeconds,
        idlePeriodSeconds,
        evaluationIntervalSeconds,
        metricsWindowSeconds);
  }
}
