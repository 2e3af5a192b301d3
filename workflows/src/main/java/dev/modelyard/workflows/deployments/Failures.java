package dev.modelyard.workflows.deployments;

/** Reads the message a user should see out of a chain of Temporal failures. */
public final class Failures {

  private Failures() {}

  public static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
