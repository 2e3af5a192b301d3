package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatingTransferTests {

  private static final Duration STALL = Duration.ofSeconds(1);

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void aTransferRepeatingTheSameProgressHasStalled() {
    // As Ollama does while a part of a blob gets no bytes: the same line every 60 ms.
    Transfer transfer = transfer(bytes -> 500);

    assertThatThrownBy(transfer::run)
        .isInstanceOf(ActivityFailure.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> assertThat(failure.getType()).isEqualTo(HeartbeatingTransfer.STALLED));
  }

  @Test
  void aTransferWhoseBytesGrowHasNot() {
    Transfer transfer = transfer(bytes -> bytes + 1);

    assertThat(transfer.run()).isEqualTo("done");
  }

  @ActivityInterface
  public interface Transfer {
    String run();
  }

  private Transfer transfer(LongUnaryOperator nextBytes) {
    env.registerActivitiesImplementations(new RepeatingTransfer(nextBytes));
    return env.newActivityStub(
        Transfer.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /** Reports every 60 ms for three stall timeouts, each report's bytes from the one before. */
  static final class RepeatingTransfer implements Transfer {

    private final LongUnaryOperator nextBytes;

    RepeatingTransfer(LongUnaryOperator nextBytes) {
      this.nextBytes = nextBytes;
    }

    @Override
    public String run() {
      try {
        return HeartbeatingTransfer.run(
            Activity.getExecutionContext(),
            null,
            STALL,
            progress -> {
              long bytes = 0;
              long end = System.nanoTime() + 3 * STALL.toNanos();
              while (System.nanoTime() < end) {
                bytes = nextBytes.applyAsLong(bytes);
                progress.report(new TransferProgress(bytes, 1_000));
                Thread.sleep(60);
              }
              return "done";
            });
      } catch (IOException e) {
        throw Activity.wrap(e);
      }
    }
  }
}
