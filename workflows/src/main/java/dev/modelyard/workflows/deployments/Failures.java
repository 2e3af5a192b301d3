package dev.modelyard.workflows.deployments;

import io.temporal.failure.ApplicationFailure;

/** Reads the message a user should see out of a chain of Temporal failures. */
public final class Failures {

  private Failures() {}

  /**
   * The innermost cause's own message: an activity's exception arrives as an {@link
   * ApplicationFailure}, whose {@code getMessage()} also spells out its type and retry flag.
   */
  public static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure application
        ? application.getOriginalMessage()
        : cause.getMessage();
  }
}
