package dev.modelyard.workers.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerLogLinesTests {

  @Test
  void logsPastTheLimitKeepTheirLatestLinesAfterOneSayingHowManyWereLeftOut() {
    String line = "x".repeat(399);
    List<String> chatty = Collections.nCopies(10_000, line);

    List<String> kept = ContainerHostActivitiesImpl.lastFitting(chatty);

    int fitting = (int) (ContainerHostActivitiesImpl.MOST_LOG_BYTES / 400);
    assertThat(kept).hasSize(fitting + 1);
    assertThat(kept.getFirst())
        .isEqualTo(
            "[" + (10_000 - fitting) + " earlier line(s) left out: the logs answer at most 1 MiB]");
    assertThat(kept.subList(1, kept.size())).containsOnly(line);
  }

  @Test
  void logsWithinTheLimitAreAllKept() {
    List<String> quiet = List.of("started", "listening on 20001");

    assertThat(ContainerHostActivitiesImpl.lastFitting(quiet)).isEqualTo(quiet);
  }
}
