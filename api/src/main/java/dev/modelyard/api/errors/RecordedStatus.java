package dev.modelyard.api.errors;

import org.apache.catalina.connector.ClientAbortException;

/**
 * The status a request is recorded under (metrics, audit): the response's, a 500 for a failure no
 * handler answered, and 499 (nginx's "client closed request") for a client that went away before
 * the answer was complete, such as a "stop generating" in the middle of a stream, which is neither
 * the gateway's failure nor a success.
 */
public final class RecordedStatus {

  public static final int CLIENT_CLOSED_REQUEST = 499;

  private RecordedStatus() {}

  /**
   * @param failure what the filter chain threw, or null when it returned
   */
  public static int of(int responseStatus, Throwable failure) {
    if (failure == null) {
      return responseStatus;
    }
    if (failure instanceof ClientAbortException) {
      return CLIENT_CLOSED_REQUEST;
    }
    return responseStatus < 400 ? 500 : responseStatus;
  }
}
