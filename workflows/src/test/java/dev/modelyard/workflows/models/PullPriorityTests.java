package dev.modelyard.workflows.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PullPriorityTests {

  @Test
  void mapsTheRequestScaleOntoTemporalKeysWithTheDefaultsMeeting() {
    assertThat(IntStream.rangeClosed(0, 10).map(PullPriority::priorityKey).toArray())
        .containsExactly(5, 5, 4, 4, 3, 3, 3, 2, 2, 1, 1);
    assertThat(PullPriority.priorityKey(PullPriority.DEFAULT)).isEqualTo(3);
  }

  @Test
  void clampsValuesOutsideTheScale() {
    assertThat(PullPriority.priorityKey(-3)).isEqualTo(5);
    assertThat(PullPriority.priorityKey(42)).isEqualTo(1);
  }
}
