package dev.modelyard.infra.providers;

import dev.modelyard.infra.calls.CallWithin;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A whole HTTP answer, body included, within the request's own timeout. On JDK 25 that timeout ends
 * with the response's headers: a server (or a proxy) that sends them and then stalls in the body
 * would hold the caller for good.
 *
 * <p>The call is a plain {@code send} {@link CallWithin within} the timeout (an interrupted {@code
 * send} aborts its exchange). Not {@code sendAsync}: its answer is handed over through the common
 * fork-join pool, which has one thread on a 2-core machine, and a task blocking that thread (as a
 * test's {@code supplyAsync} did) held every answer back.
 */
public final class WholeAnswers {

  private WholeAnswers() {}

  /**
   * @param request its {@link HttpRequest#timeout() timeout} bounds the whole answer
   * @param what names the call in the timeout's message, e.g. {@code "GET /api/tags at …"}
   * @throws HttpTimeoutException no whole answer within the timeout; the exchange is aborted
   */
  public static <T> HttpResponse<T> within(
      HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body, String what)
      throws IOException, InterruptedException {
    Duration timeout =
        request
            .timeout()
            .orElseThrow(() -> new IllegalArgumentException(what + ": the request has no timeout"));
    try {
      return CallWithin.call(
          "http-" + request.uri().getHost(), timeout, () -> http.send(request, body));
    } catch (TimeoutException e) {
      throw new HttpTimeoutException(what + ": no whole answer within " + timeout);
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException runtime -> throw runtime;
        case null, default -> throw new IOException(what + " failed", e.getCause());
      }
    }
  }
}
