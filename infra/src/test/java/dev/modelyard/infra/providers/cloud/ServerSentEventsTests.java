package dev.modelyard.infra.providers.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Events read from a real socket, as a provider's stream arrives. */
class ServerSentEventsTests {

  @Test
  void closingWhileAReadWaitsOnASilentUpstreamReturnsAtOnceAndEndsTheRead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket upstream = server.accept()) {
      OutputStream out = upstream.getOutputStream();
      out.write("event: message_start\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      ServerSentEvents events = new ServerSentEvents(client.getInputStream());
      assertThat(events.next().event()).isEqualTo("message_start");
      // Then the upstream says nothing more: the next read waits.
      CompletableFuture<ServerSentEvent> waiting = new CompletableFuture<>();
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  waiting.complete(events.next());
                } catch (IOException e) {
                  waiting.complete(null);
                }
              });
      Thread.sleep(200);

      // What a deadline's cut does, from another thread.
      CompletableFuture<Void> closing = new CompletableFuture<>();
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  events.close();
                  closing.complete(null);
                } catch (IOException e) {
                  closing.completeExceptionally(e);
                }
              });

      closing.get(2, TimeUnit.SECONDS);
      assertThat(waiting.get(2, TimeUnit.SECONDS)).isNull();
    }
  }
}
