package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cloud call's cost hold outlives the longest the gateway lets a call run. */
class CostHoldLapseTests {

  @Test
  void underTheDefaultTotalTimeoutAHoldLivesHalfAnHour() {
    assertThat(CostAccounting.holdLapseUnder(Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aTotalTimeoutLongerThanThatKeepsTheHoldPastIt() {
    // Before, 30 minutes whatever the total: a cloud stream of 40 lost its hold at 30.
    assertThat(CostAccounting.holdLapseUnder(Duration.ofHours(1)))
        .isGreaterThan(Duration.ofHours(1));
  }
}
