package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LingeringBatchTests {

  private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(100);
  private final List<Integer> batch = new ArrayList<>();

  @Test
  void anEmptyQueueGivesNoBatchOnceTheWaitIsOver() throws Exception {
    assertThat(LingeringBatch.fill(queue, batch, 10, TimeUnit.MILLISECONDS.toNanos(5))).isFalse();
    assertThat(batch).isEmpty();
  }

  @Test
  void rowsArrivingDuringTheLingerJoinTheFirstOnesBatch() throws Exception {
    queue.add(1);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(10);
                queue.add(2);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    assertThat(LingeringBatch.fill(queue, batch, 10, 0)).isTrue();

    assertThat(batch).containsExactly(1, 2);
  }

  @Test
  void aFullBatchGoesAtOnceAndLeavesTheRestQueued() throws Exception {
    for (int i = 0; i < 15; i++) {
      queue.add(i);
    }

    assertThat(LingeringBatch.fill(queue, batch, 10, 0)).isTrue();

    assertThat(batch).hasSize(10);
    assertThat(queue).hasSize(5);
  }
}
