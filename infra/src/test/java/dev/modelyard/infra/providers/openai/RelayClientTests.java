package dev.modelyard.infra.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayClientTests {

  private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

  private final RelayClient client = new RelayClient(Duration.ofSeconds(2));
  private ScriptedServer server;

  @AfterEach
  void close() throws IOException {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRequestOnAKeptAliveConnectionTheInstanceDroppedIsSentAgainOnAFreshOne() throws Exception {
    // The first connection answers once, then takes the next request and closes unanswered.
    server = new ScriptedServer((connection, request) -> connection == 1 && request == 2 ? 0 : 200);

    assertThat(new String(client.post(server.base(), "/v1/chat/completions", BODY, timeout())))
        .isEqualTo("answer 1");
    assertThat(new String(client.post(server.base(), "/v1/chat/completions", BODY, timeout())))
        .isEqualTo("answer 3");
    assertThat(server.connections.get()).isEqualTo(2);
    assertThat(server.requests.get()).isEqualTo(3);
  }

  @Test
  void aRequestOnAConnectionTheInstanceClosedAfterItsLastAnswerIsSentAgainOnAFreshOne()
      throws Exception {
    // As an instance whose keep-alive ran out closes it: the client finds out only by using it.
    server = new ScriptedServer((connection, request) -> ScriptedServer.ANSWER_THEN_CLOSE);

    client.post(server.base(), "/v1/chat/completions", BODY, timeout());
    assertThat(server.closedByServer.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(new String(client.post(server.base(), "/v1/chat/completions", BODY, timeout())))
        .isEqualTo("answer 2");
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void anIdleConnectionIsClosedBeforeAnInstancesKeepAliveWouldCloseIt() throws Exception {
    server = new ScriptedServer((connection, request) -> 200);
    client.post(server.base(), "/v1/chat/completions", BODY, timeout());
    long answered = System.nanoTime();

    // Closed by the client after 2 to 4 s idle (MAX_IDLE, and the evictor's period as long).
    assertThat(server.closedByClient.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - answered))
        .isGreaterThanOrEqualTo(Duration.ofMillis(RelayClient.MAX_IDLE.toMilliseconds()))
        .isLessThan(Duration.ofSeconds(5));
    client.post(server.base(), "/v1/chat/completions", BODY, timeout());
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void aStreamReadToItsEndLeavesItsConnectionForTheNextRequest() throws Exception {
    server = new ScriptedServer((connection, request) -> 200);

    try (var stream =
        client.stream(server.base(), "/v1/chat/completions", BODY, streamTimeouts())) {
      assertThat(new String(stream.readAllBytes())).isEqualTo("answer 1");
    }
    client.post(server.base(), "/v1/chat/completions", BODY, timeout());

    assertThat(server.connections.get()).isEqualTo(1);
  }

  @Test
  void manyCallsToOneAddressAreNotHeldForAConnection() throws Exception {
    // The models of one Ollama are instances of their own at one address: each instance's
    // bulkhead admits its calls, and the pool must not hold those beyond one instance's worth.
    int calls = 40;
    CountDownLatch allArrived = new CountDownLatch(calls);
    server =
        new ScriptedServer(
            (connection, request) -> {
              allArrived.countDown();
              try {
                allArrived.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return 200;
            });
    List<Future<byte[]>> answers = new ArrayList<>();
    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < calls; i++) {
        answers.add(
            callers.submit(
                () ->
                    client.post(
                        server.base(), "/v1/chat/completions", BODY, Duration.ofSeconds(5))));
      }
      for (Future<byte[]> answer : answers) {
        assertThat(answer.get(20, TimeUnit.SECONDS)).isNotEmpty();
      }
    }
    assertThat(server.connections.get()).isEqualTo(calls);
  }

  @Test
  void anErrorAnswerIsNeverSentAgain() throws Exception {
    server = new ScriptedServer((connection, request) -> 503);

    assertThatThrownBy(() -> client.post(server.base(), "/v1/chat/completions", BODY, timeout()))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(server.requests.get()).isEqualTo(1);

    // A short error is read whole, so its connection serves the next call.
    assertThatThrownBy(() -> client.post(server.base(), "/v1/chat/completions", BODY, timeout()))
        .isInstanceOf(UpstreamException.class)
        .hasMessageEndingWith(": answer 2");
    assertThat(server.connections.get()).isOne();
  }

  @Test
  void anErrorWhoseBodyNeverEndsIsReadOnlyAsFarAsItsMessageKeeps() throws Exception {
    server = new ScriptedServer((connection, request) -> ScriptedServer.ENDLESS_ERROR);

    // Before, the body was read whole: until the deadline, as fast as loopback carries it.
    assertThatThrownBy(() -> client.post(server.base(), "/v1/chat/completions", BODY, timeout()))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.getMessage()).endsWith(": " + "x".repeat(300) + "…");
            });
    try (var stream =
        client.stream(server.base(), "/v1/chat/completions", BODY, streamTimeouts())) {
      throw new AssertionError("a 500 opened as a stream");
    } catch (UpstreamException e) {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.getMessage()).endsWith(": " + "x".repeat(300) + "…");
    }
  }

  @Test
  void aBackendThatNeverAnswersTimesOutAtTheDeadlineAndItsConnectionIsClosed() throws Exception {
    server = new ScriptedServer((connection, request) -> -1);

    long start = System.nanoTime();
    assertThatThrownBy(
            () -> client.post(server.base(), "/v1/chat/completions", BODY, Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessage("no answer within PT0.3S");
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(waited)
        .isBetween(
            Duration.ofMillis(300),
            Duration.ofMillis(300).plus(CallDeadlines.TICK.multipliedBy(4)));
    assertThat(server.closedUnanswered.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamWithoutAFirstEventIsCutAtItsDeadlineThoughBytesKeepComing() throws Exception {
    // Comments keep the connection busy, but are no event: the caller never marks one.
    server = new ScriptedServer(chunks -> everyFiftyMillis(chunks, ": ping\n\n"));
    var timeouts = new StreamTimeouts(Duration.ofMillis(300), timeout(), timeout());

    long start = System.nanoTime();
    try (var stream = client.stream(server.base(), "/v1/chat/completions", BODY, timeouts)) {
      assertThatThrownBy(stream::readAllBytes)
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("no first event within PT0.3S");
    }

    assertCutWithinTicksOf(start, Duration.ofMillis(300));
    assertThat(server.closedUnanswered.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamSilentAfterItsFirstEventIsCutAtTheQuietDeadline() throws Exception {
    server = new ScriptedServer(chunks -> chunks.send("data: {\"n\":1}\n\n"));
    var timeouts = new StreamTimeouts(timeout(), Duration.ofMillis(300), timeout());

    try (var stream = client.stream(server.base(), "/v1/chat/completions", BODY, timeouts)) {
      assertThat(new String(stream.readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("data: {\"");
      stream.firstEventArrived();
      long start = System.nanoTime();
      assertThatThrownBy(stream::readAllBytes)
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("the stream was silent for PT0.3S");
      assertCutWithinTicksOf(start, Duration.ofMillis(300));
    }
    assertThat(server.closedUnanswered.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void eachEventMovesTheQuietDeadlineOn() throws Exception {
    server =
        new ScriptedServer(
            chunks -> {
              for (int i = 0; i < 20; i++) {
                chunks.send("data: {}\n\n");
                Thread.sleep(50);
              }
            });
    var timeouts = new StreamTimeouts(timeout(), Duration.ofMillis(300), timeout());

    long start = System.nanoTime();
    try (var stream = client.stream(server.base(), "/v1/chat/completions", BODY, timeouts)) {
      stream.readNBytes(4);
      stream.firstEventArrived();
      assertThat(stream.readNBytes(196)).hasSize(196);
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
  }

  @Test
  void timeTheReaderSpendsBetweenReadsIsNoSilenceOfTheStream() throws Exception {
    String rest = "data: 2\n\ndata: [DONE]\n\n";
    // Never silent for as long as the quiet deadline, but sent while the reader is elsewhere.
    server =
        new ScriptedServer(
            chunks -> {
              chunks.send("data: 1\n\n");
              Thread.sleep(200);
              chunks.send("data: 2\n\n");
              Thread.sleep(200);
              chunks.send("data: [DONE]\n\n");
            });
    var timeouts = new StreamTimeouts(timeout(), Duration.ofMillis(300), timeout());

    try (var stream = client.stream(server.base(), "/v1/chat/completions", BODY, timeouts)) {
      assertThat(new String(stream.readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\n");
      stream.firstEventArrived();
      // A client slow to take what was relayed holds the reader: before, that counted as the
      // backend's silence, and the stream was cut and the instance blamed.
      Thread.sleep(1_000);
      assertThat(new String(stream.readNBytes(rest.length()), StandardCharsets.UTF_8))
          .isEqualTo(rest);
    }
  }

  @Test
  void aStreamThatNeverEndsIsCutAtItsTotalDeadlineThoughEventsKeepComing() throws Exception {
    server = new ScriptedServer(chunks -> everyFiftyMillis(chunks, "data: {}\n\n"));
    var timeouts = new StreamTimeouts(timeout(), timeout(), Duration.ofMillis(500));

    long start = System.nanoTime();
    try (var stream = client.stream(server.base(), "/v1/chat/completions", BODY, timeouts)) {
      stream.readNBytes(4);
      stream.firstEventArrived();
      assertThatThrownBy(stream::readAllBytes)
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("the stream did not end within PT0.5S");
    }

    assertCutWithinTicksOf(start, Duration.ofMillis(500));
    assertThat(server.closedUnanswered.await(5, TimeUnit.SECONDS)).isTrue();
  }

  private static void everyFiftyMillis(Chunks chunks, String chunk)
      throws IOException, InterruptedException {
    while (true) {
      chunks.send(chunk);
      Thread.sleep(50);
    }
  }

  private static void assertCutWithinTicksOf(long start, Duration deadline) {
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(deadline, deadline.plus(CallDeadlines.TICK.multipliedBy(4)));
  }

  private static StreamTimeouts streamTimeouts() {
    return new StreamTimeouts(timeout(), timeout(), timeout());
  }

  private static Duration timeout() {
    return Duration.ofSeconds(5);
  }

  /**
   * What to answer: a status, 0 to close the connection without an answer, -1 never to answer
   * (until the client closes the connection), {@link ScriptedServer#ANSWER_THEN_CLOSE} or {@link
   * ScriptedServer#ENDLESS_ERROR}.
   */
  @FunctionalInterface
  private interface Script {
    int answer(int connection, int requestOnConnection);
  }

  /**
   * What a streamed answer sends, chunk by chunk, after its headers; it may never end, and once it
   * returns the stream stays open and silent until the client closes it.
   */
  @FunctionalInterface
  private interface StreamScript {
    void send(Chunks chunks) throws IOException, InterruptedException;
  }

  @FunctionalInterface
  private interface Chunks {
    void send(String chunk) throws IOException;
  }

  /** An HTTP/1.1 server on a raw socket, so that a test decides what each connection does. */
  private static final class ScriptedServer implements AutoCloseable {

    /** Answers 200, then closes the connection without saying so (no "Connection: close"). */
    static final int ANSWER_THEN_CLOSE = 1200;

    /** Answers 500 with a chunked body that goes on until the client leaves. */
    static final int ENDLESS_ERROR = 1500;

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch closedUnanswered = new CountDownLatch(1);
    final CountDownLatch closedByClient = new CountDownLatch(1);
    final CountDownLatch closedByServer = new CountDownLatch(1);
    private final ServerSocket socket;
    private final StreamScript stream;

    /** Every request answered with a stream that {@code stream} sends. */
    ScriptedServer(StreamScript stream) throws IOException {
      this((connection, request) -> 200, stream);
    }

    ScriptedServer(Script script) throws IOException {
      this(script, null);
    }

    private ScriptedServer(Script script, StreamScript stream) throws IOException {
      this.stream = stream;
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket accepted = socket.accept();
                    int connection = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(accepted, connection, script));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
    }

    URI base() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    private void serve(Socket accepted, int connection, Script script) {
      try (accepted) {
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(accepted.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = accepted.getOutputStream();
        for (int onConnection = 1; ; onConnection++) {
          int length = -1;
          String line = in.readLine();
          if (line == null) {
            closedByClient.countDown();
            return;
          }
          while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).strip());
            }
          }
          in.skip(length);
          int request = requests.incrementAndGet();
          if (stream != null) {
            streamTo(in, out);
            return;
          }
          int status = script.answer(connection, onConnection);
          if (status == 0) {
            return;
          }
          if (status < 0) {
            try {
              while (in.read() >= 0) {}
            } finally {
              // closed by the client, gracefully or with a reset
              closedUnanswered.countDown();
            }
            return;
          }
          if (status == ENDLESS_ERROR) {
            out.write(
                "HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk =
                ("1000\r\n" + "x".repeat(0x1000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            while (true) {
              out.write(chunk);
            }
          }
          byte[] answer = ("answer " + request).getBytes(StandardCharsets.UTF_8);
          int sent = status == ANSWER_THEN_CLOSE ? 200 : status;
          out.write(
              ("HTTP/1.1 " + sent + " X\r\nContent-Length: " + answer.length + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.write(answer);
          out.flush();
          if (status == ANSWER_THEN_CLOSE) {
            accepted.close();
            closedByServer.countDown();
            return;
          }
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    private void streamTo(BufferedReader in, OutputStream out) {
      try {
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        stream.send(
            chunk -> {
              byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
              out.write(
                  (Integer.toHexString(bytes.length) + "\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
              out.write(bytes);
              out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
            });
        while (in.read() >= 0) {}
        closedUnanswered.countDown();
      } catch (IOException e) {
        // cut by the client before the stream's end
        closedUnanswered.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
