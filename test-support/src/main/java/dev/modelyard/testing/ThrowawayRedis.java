package dev.modelyard.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;

/**
 * A redis-server of a test's own on loopback, without persistence, for outage tests that stop and
 * start it; the shared test Redis is never stopped.
 */
public final class ThrowawayRedis {

  private ThrowawayRedis() {}

  /** Starts one on {@code port}; it answers when this returns. */
  public static Process start(int port) throws IOException, InterruptedException {
    Process redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return redis;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    redis.destroyForcibly();
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
