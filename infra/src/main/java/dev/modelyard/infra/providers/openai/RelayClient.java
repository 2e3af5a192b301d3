package dev.modelyard.infra.providers.openai;

import dev.modelyard.infra.providers.Snippets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The gateway's client of instances: posts a body as it is and hands back the answer as it is, on
 * the caller's (virtual) thread over pooled keep-alive connections. Apache's classic client costs
 * about half of {@code java.net.http}'s per request on loopback, which is most of what a gateway
 * adds (see {@code bench/README.md}).
 */
public final class RelayClient implements AutoCloseable {

  /**
   * Connections idle this long are closed by the client, which looks every as long: none is reused
   * after more than twice this idle, under the 5 s keep-alive of uvicorn (vLLM) and of llama.cpp's
   * server, so an instance does not close one under a request.
   */
  static final TimeValue MAX_IDLE = TimeValue.ofSeconds(2);

  /**
   * A connection idle longer than the eviction allows (the evictor late) is checked before reuse.
   * Not sooner: the check is a read with a 1 ms timeout, which a healthy connection waits out in
   * full: checked after a second idle, every connection that a burst at 2,000/s took from deep in
   * the pool cost its request that millisecond (about ten a second, in clusters; see bench/).
   */
  private static final TimeValue CHECK_AFTER_IDLE = TimeValue.ofSeconds(5);

  private final CloseableHttpClient http;
  private final CallDeadlines deadlines = new CallDeadlines();

  public RelayClient(Duration connectTimeout) {
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    // No cap of the pool's own: each instance's bulkhead already bounds its calls.
                    // A cap across instances (once 16 instances' worth) made calls to the 17th
                    // busy instance wait for a lease, then fail as if that instance had; a cap per
                    // address (once one instance's worth) did the same to instances that share an
                    // address, such as the models of one Ollama.
                    .setMaxConnPerRoute(Integer.MAX_VALUE)
                    .setMaxConnTotal(Integer.MAX_VALUE)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(connectTimeout))
                            .setValidateAfterInactivity(CHECK_AFTER_IDLE)
                            .build())
                    .build())
            .evictIdleConnections(MAX_IDLE)
            // An instance restarted since a connection's last use has closed it.
            .setRetryStrategy(new StaleConnectionRetry())
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableContentCompression()
            .build();
  }

  /**
   * Posts {@code body} to {@code path} and returns the whole 200 answer; waits at most {@code
   * timeout} for any byte of it.
   */
  public byte[] post(URI baseUrl, String path, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    // The socket's reads wait untimed and the deadline is watched instead: see CallDeadlines.
    HttpPost post = post(baseUrl, path, body, timeout, Timeout.DISABLED);
    try (CallDeadlines.Watch watch = deadlines.watch(post, timeout, "no answer within ")) {
      try {
        return http.execute(post, response -> answer(post, response));
      } catch (IOException e) {
        // Cancelled at its deadline, the call fails however the closed connection surfaces.
        throw interruptedOr(watch.failure(e));
      }
    }
  }

  /** The whole body of a 200 answer. */
  private static byte[] answer(HttpPost post, ClassicHttpResponse response) throws IOException {
    if (response.getCode() != 200) {
      throw upstream(response.getCode(), errorBody(response, post));
    }
    return body(response.getEntity());
  }

  /**
   * Only as much of an error's body as its message keeps: a body that never ends would otherwise be
   * read until the deadline. A longer body's request is cancelled, not its body closed: closing
   * reads the rest, to keep the connection. A short one is read whole and its connection kept.
   */
  private static byte[] errorBody(ClassicHttpResponse response, HttpPost post) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null
        || (entity.getContentLength() >= 0 && entity.getContentLength() <= Snippets.BYTES)) {
      return body(entity);
    }
    try {
      return entity.getContent().readNBytes(Snippets.BYTES);
    } finally {
      post.cancel();
    }
  }

  /**
   * Read into one array of the declared length: EntityUtils.toByteArray copies through a 4 KB
   * buffer and a growing one, three arrays a call where one does.
   */
  private static byte[] body(HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    long length = entity.getContentLength();
    try (InputStream content = entity.getContent()) {
      return length >= 0 && length <= Integer.MAX_VALUE
          ? content.readNBytes((int) length)
          : content.readAllBytes();
    }
  }

  /**
   * Starts a streamed answer and returns its body once the backend has answered 200. Its deadlines
   * are watched as a non-streamed call's are (see {@link CallDeadlines}): the socket's reads wait
   * untimed.
   */
  public StreamedAnswer stream(URI baseUrl, String path, byte[] body, StreamTimeouts timeouts)
      throws IOException, InterruptedException {
    HttpPost post = post(baseUrl, path, body, timeouts.firstEvent(), Timeout.DISABLED);
    CallDeadlines.Watch watch =
        deadlines.watch(post, timeouts.total(), "the stream did not end within ");
    watch.next(timeouts.firstEvent(), "no first event within ");
    boolean opened = false;
    try {
      ClassicHttpResponse response = http.executeOpen(null, post, null);
      if (response.getCode() != 200) {
        try (response) {
          throw upstream(response.getCode(), errorBody(response, post));
        }
      }
      StreamedAnswer answer = StreamedAnswer.of(response, post, watch, timeouts);
      opened = true;
      return answer;
    } catch (IOException e) {
      throw interruptedOr(watch.failure(e));
    } finally {
      if (!opened) {
        watch.close();
      }
    }
  }

  /**
   * A stream that another client opened (a cloud provider's) under the same deadlines: past one, it
   * is closed, which ends the read waiting on it and cancels its request.
   */
  public StreamedAnswer watched(InputStream stream, StreamTimeouts timeouts) {
    CallDeadlines.Watch watch =
        deadlines.watch(
            () -> {
              try {
                stream.close();
              } catch (IOException e) {
                // cut all the same: the reader's next read fails or ends
              }
              return true;
            },
            timeouts.total(),
            "the stream did not end within ");
    watch.next(timeouts.firstEvent(), "no first event within ");
    return new StreamedAnswer(stream, watch, timeouts, stream::close);
  }

  private static HttpPost post(
      URI baseUrl, String path, byte[] body, Duration headersTimeout, Timeout readTimeout) {
    HttpPost post = new HttpPost(baseUrl.resolve(path));
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    post.setConfig(
        RequestConfig.custom()
            .setConnectionRequestTimeout(Timeout.of(headersTimeout))
            .setResponseTimeout(readTimeout)
            .build());
    return post;
  }

  /**
   * The instance's refusal in its own words, without its address: the message can reach the client
   * (a 4xx is relayed, and the last failure is named in a 503), and the gateway's log names the
   * instance anyway.
   */
  private static UpstreamException upstream(int status, byte[] body) {
    return new UpstreamException(
        status,
        "the instance answered "
            + status
            + ": "
            + Snippets.of(new String(body, StandardCharsets.UTF_8)));
  }

  /**
   * The caller's interrupt, if that is why a call failed; otherwise the failure as it came (a call
   * cut at its deadline reports that, interrupted or not).
   */
  private static IOException interruptedOr(IOException e) throws InterruptedException {
    if (Thread.currentThread().isInterrupted() && !(e instanceof HttpTimeoutException)) {
      InterruptedException interrupted =
          new InterruptedException("interrupted while waiting for an instance");
      interrupted.initCause(e);
      throw interrupted;
    }
    return e;
  }

  @Override
  public void close() throws IOException {
    deadlines.close();
    http.close();
  }

  /**
   * Sends a request again, once, when a kept-alive connection turns out to have been closed by the
   * instance without an answer (it was idle, and the instance dropped it): the request never
   * reached it, so sending it on a fresh connection is safe even for a POST. Anything else, a 429
   * or 5xx answer and every timeout included, is the gateway's to handle (another instance, or the
   * breaker), so it is never retried here.
   */
  private static final class StaleConnectionRetry extends DefaultHttpRequestRetryStrategy {

    StaleConnectionRetry() {
      super(1, TimeValue.ZERO_MILLISECONDS);
    }

    @Override
    public boolean retryRequest(
        HttpRequest request, IOException exception, int execCount, HttpContext context) {
      return execCount <= 1 && exception instanceof NoHttpResponseException;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
      return false;
    }
  }
}
