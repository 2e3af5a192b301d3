package dev.modelyard.infra.providers;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A whole HTTP answer, body included, within a deadline. On JDK 25 a request's own timeout ends
 * with the response's headers: a server (or a proxy) that sends them and then stalls in the body
 * would hold the caller for good.
 *
 * <p>The call is a plain {@code send} on a virtual thread of its own, which is interrupted past the
 * deadline (an interrupted {@code send} aborts its exchange). Not {@code sendAsync}: its answer is
 * handed over through the common fork-join pool, which has one thread on a 2-core machine, and a
 * task blocking that thread (as a test's {@code supplyAsync} did) held every answer back.
 */
public final class WholeAnswers {

  private WholeAnswers() {}

  /**
   * @param what names the call in the timeout's message, e.g. {@code "GET /api/tags at …"}
   * @throws HttpTimeoutException no whole answer within {@code timeout}; the exchange is aborted
   */
  public static <T> HttpResponse<T> within(
      HttpClient http,
      HttpRequest request,
      HttpResponse.BodyHandler<T> body,
      Duration timeout,
      String what)
      throws IOException, InterruptedException {
    FutureTask<HttpResponse<T>> answer = new FutureTask<>(() -> http.send(request, body));
    Thread.ofVirtual().name("http-" + request.uri().getHost()).start(answer);
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException(what + ": no whole answer within " + timeout);
    } catch (InterruptedException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException runtime -> throw runtime;
        case null, default -> throw new IOException(what + " failed", e.getCause());
      }
    }
  }
}
