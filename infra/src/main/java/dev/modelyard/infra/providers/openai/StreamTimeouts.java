package dev.modelyard.infra.providers.openai;

import java.time.Duration;

/**
 * How long a streamed answer may take: its first event within {@code firstEvent} (the backend's
 * headers included), then no silence longer than {@code quiet}, and the whole of it within {@code
 * total}.
 */
public record StreamTimeouts(Duration firstEvent, Duration quiet, Duration total) {

  public StreamTimeouts {
    for (Duration each : new Duration[] {firstEvent, quiet, total}) {
      if (each == null || each.isNegative() || each.isZero()) {
        throw new IllegalArgumentException(
            "stream timeouts must be positive, were first event %s, quiet %s, total %s"
                .formatted(firstEvent, quiet, total));
      }
    }
  }
}
