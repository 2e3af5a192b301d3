package dev.modelyard.infra.providers.cloud.openai;

import static dev.modelyard.infra.providers.cloud.FixtureServer.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.cloud.CloudProviderSettings;
import dev.modelyard.infra.providers.cloud.FixtureServer;
import dev.modelyard.infra.providers.cloud.OpenAiStream;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.infra.settings.Secret;
import dev.modelyard.testing.StallingHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The OpenAI adapter against a local server replaying OpenAI's recorded answers. */
@Timeout(30)
class OpenAiAdapterFixtureTests {

  /** How long the providers here may take to accept a stream. */
  private static final Duration ACCEPTED = Duration.ofSeconds(30);

  private static final byte[] REQUEST =
      utf8(
          """
          {"model":"auto","messages":[{"role":"system","content":"Answer briefly."},
          {"role":"user","content":"What is the capital of France?"}],
          "temperature":0,"max_completion_tokens":64,"seed":7,"logit_bias":{"50256":-100},
          "stream_options":{"include_usage":true}}
          """);

  private final FixtureServer server = new FixtureServer();
  private final OpenAiProvider provider =
      new OpenAiProvider(CloudProviderSettings.of(server.baseUri(), new Secret("sk-test-123")));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aCompletionPassesTheWholeBodyWithTheModelReplacedAndComesBackAsItIs() throws Exception {
    server.replies(200, "openai/chat-completion.json");

    byte[] answer = provider.chat(REQUEST, "gpt-4o-mini");

    FixtureServer.Received sent = server.received();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.pathAndQuery()).isEqualTo("/v1/chat/completions");
    assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-test-123");
    JsonNode body = sent.json();
    assertThat(body.path("model").asString()).isEqualTo("gpt-4o-mini");
    assertThat(body.path("stream").asBoolean()).isFalse();
    assertThat(body.has("stream_options")).as("OpenAI refuses it without stream").isFalse();
    assertThat(body.path("seed").asInt()).isEqualTo(7);
    assertThat(body.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
    assertThat(body.path("messages").size()).isEqualTo(2);

    ChatCompletionResponse completion =
        OpenAiJson.MAPPER.readValue(answer, ChatCompletionResponse.class);
    assertThat(completion.text()).isEqualTo("The capital of France is Paris.");
    assertThat(completion.choices().getFirst().finishReason()).isEqualTo("stop");
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(24, 8, 32));
  }

  @Test
  void aStreamAsksForUsageAndRelaysEveryDeltaThenTheUsageChunk() throws Exception {
    server.replies(200, "openai/chat-completion-stream.sse");
    byte[] withoutOptions =
        utf8("{\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]}");

    OpenAiStream stream;
    try (InputStream events = provider.chatStream(withoutOptions, "gpt-4o-mini", ACCEPTED)) {
      stream = OpenAiStream.read(events);
    }

    JsonNode body = server.received().json();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(stream.contentDeltas()).containsExactly("The capital", " of France", " is Paris.");
    assertThat(stream.finishReasons()).containsExactly("stop");
    JsonNode usage = stream.usage();
    assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(24);
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(8);
    assertThat(usage.path("total_tokens").asInt()).isEqualTo(32);
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 400})
  void anErrorAnswerKeepsItsStatus(int status) {
    server.replies(status, "openai/error-" + status + ".json");

    assertThatThrownBy(() -> provider.chat(REQUEST, "gpt-4o-mini"))
        .isInstanceOfSatisfying(
            UpstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.getMessage()).startsWith("openai").doesNotContain("sk-test-123");
            });
    assertThatThrownBy(() -> provider.chatStream(REQUEST, "gpt-4o-mini", ACCEPTED))
        .isInstanceOfSatisfying(
            UpstreamException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @Test
  void anUnreachableServerIsAConnectionErrorNotAnAnswer() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OpenAiProvider unreachable =
        new OpenAiProvider(
            CloudProviderSettings.of(
                URI.create("http://127.0.0.1:" + closedPort), new Secret("sk-test-123")));

    assertThatThrownBy(() -> unreachable.chat(REQUEST, "gpt-4o-mini"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(UpstreamException.class);
  }

  @Test
  void anAnswerWhoseBodyStallsAfterItsHeadersEndsAtTheRequestTimeout() throws Exception {
    endsWithinOneSecond(
        Duration.ofSeconds(1), 200, provider -> provider.chat(REQUEST, "gpt-4o-mini"));
  }

  @Test
  void aStreamRefusedWithAnErrorWhoseBodyStallsEndsWithinItsTimeToAccept() throws Exception {
    // The request timeout is 3 min: only the time to accept can end it within the second.
    endsWithinOneSecond(
        Duration.ofMinutes(3),
        503,
        provider -> provider.chatStream(REQUEST, "gpt-4o-mini", Duration.ofSeconds(1)).close());
  }

  @Test
  void aRefusalWhoseBodyNeverEndsKeepsItsStatusAndFirstCharacters() throws Exception {
    try (ServerSocket endless = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // A 500 whose chunked body goes on until the client leaves: read whole, it never ends.
      Thread.ofVirtual()
          .start(
              () -> {
                while (!endless.isClosed()) {
                  try (Socket accepted = endless.accept()) {
                    readHead(accepted.getInputStream());
                    OutputStream out = accepted.getOutputStream();
                    out.write(
                        utf8(
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"));
                    byte[] chunk = utf8("1000\r\n" + "x".repeat(0x1000) + "\r\n");
                    while (true) {
                      out.write(chunk);
                    }
                  } catch (IOException e) {
                    // the client left, or the test closed the socket
                  }
                }
              });
      OpenAiProvider patient =
          new OpenAiProvider(
              new CloudProviderSettings(
                  URI.create("http://127.0.0.1:" + endless.getLocalPort()),
                  new Secret("sk-test-123"),
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(20)));

      for (Call call :
          List.<Call>of(
              p -> p.chat(REQUEST, "gpt-4o-mini"),
              p -> p.chatStream(REQUEST, "gpt-4o-mini", Duration.ofSeconds(20)).close())) {
        assertThatThrownBy(() -> call.on(patient))
            .isInstanceOfSatisfying(
                UpstreamException.class,
                e -> {
                  assertThat(e.status()).isEqualTo(500);
                  assertThat(e.getMessage()).endsWith(": " + "x".repeat(300) + "…");
                });
      }
    }
  }

  /** Reads a request's head and its body of the declared length. */
  private static void readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request's head ended");
      }
      head.append((char) b);
    }
    var length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
  }

  @Test
  void aStreamWhoseHeadersNeverComeEndsAtItsTimeToAcceptNotAtTheRequestTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // Accepts the connection and reads the request, then never answers: a wedged provider.
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket accepted = silent.accept()) {
                  accepted.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                  // closed with the test
                }
              });
      OpenAiProvider patient =
          new OpenAiProvider(
              new CloudProviderSettings(
                  URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                  new Secret("sk-test-123"),
                  Duration.ofSeconds(1),
                  Duration.ofMinutes(3)));
      long began = System.nanoTime();

      assertThatThrownBy(() -> patient.chatStream(REQUEST, "gpt-4o-mini", Duration.ofSeconds(1)))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    }
  }

  private interface Call {
    void on(OpenAiProvider provider) throws Exception;
  }

  /**
   * A provider that answers {@code status} and stalls in its body, asked with {@code
   * requestTimeout}: the call must end after the 1 s that it or the call itself gives.
   */
  private static void endsWithinOneSecond(Duration requestTimeout, int status, Call call)
      throws Exception {
    try (StallingHttpServer stalling = StallingHttpServer.answering(status)) {
      OpenAiProvider impatient =
          new OpenAiProvider(
              new CloudProviderSettings(
                  stalling.baseUri(),
                  new Secret("sk-test-123"),
                  Duration.ofSeconds(1),
                  requestTimeout));
      long began = System.nanoTime();

      assertThatThrownBy(() -> call.on(impatient))
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessageContaining("no whole answer within PT1S");
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
