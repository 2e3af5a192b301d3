package dev.modelyard.infra.containers;

import java.time.Duration;
import java.util.List;

/**
 * The health check Docker runs inside a container ({@code HEALTHCHECK CMD …}), so that {@code
 * docker ps} and inspect data say whether the server in it answers.
 *
 * @param command the program and its arguments, run without a shell
 * @param startPeriod how long failures do not count while the server starts
 */
public record ContainerHealthCheck(
    List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {

  public ContainerHealthCheck {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a health check needs a command");
    }
    requirePositive(interval, "interval");
    requirePositive(timeout, "timeout");
    if (retries < 1) {
      throw new IllegalArgumentException("retries must be at least 1, was " + retries);
    }
    if (startPeriod == null || startPeriod.isNegative()) {
      throw new IllegalArgumentException(
          "startPeriod must be zero or positive, was " + startPeriod);
    }
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
