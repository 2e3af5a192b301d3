package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentRatioTests {

  private final AtomicLong nanos = new AtomicLong(-Duration.ofDays(3).toNanos());
  private final RecentRatio ratio = new RecentRatio(Duration.ofMinutes(5), nanos::get);

  @Test
  void isZeroBeforeAnyEvent() {
    assertThat(ratio.ratio()).isZero();
  }

  @Test
  void countsHitsAmongTheEventsOfTheWindow() {
    ratio.record(true);
    minutesPass(2);
    ratio.record(false);
    ratio.record(false);
    ratio.record(true);

    assertThat(ratio.ratio()).isEqualTo(0.5);
  }

  @Test
  void forgetsEventsOlderThanTheWindow() {
    for (int i = 0; i < 1_000; i++) {
      ratio.record(true);
    }
    minutesPass(3);
    ratio.record(false);
    assertThat(ratio.ratio()).as("the old hits still count").isGreaterThan(0.99);

    minutesPass(3);
    ratio.record(false);

    assertThat(ratio.ratio()).as("only the two misses are recent").isZero();
    minutesPass(10);
    assertThat(ratio.ratio()).as("nothing recent at all").isZero();
  }

  @Test
  void aMinuteCountsUntilTheWindowHasPassedIt() {
    minutesPass(0.5); // events in the middle of a minute
    ratio.record(true);
    ratio.record(false);

    minutesPass(5);
    assertThat(ratio.ratio())
        .as("its minute began 5.5 minutes ago: within 5 and the one under way")
        .isEqualTo(0.5);
    minutesPass(0.5);
    assertThat(ratio.ratio()).as("its minute began 6 minutes ago").isZero();
  }

  @Test
  void refusesAWindowOfPartMinutes() {
    assertThatThrownBy(() -> new RecentRatio(Duration.ofSeconds(90), nanos::get))
        .hasMessageContaining("PT1M30S");
  }

  private void minutesPass(double minutes) {
    nanos.addAndGet((long) (minutes * Duration.ofMinutes(1).toNanos()));
  }
}
