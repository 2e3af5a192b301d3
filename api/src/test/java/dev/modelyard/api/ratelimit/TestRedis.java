package dev.modelyard.api.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Redisson clients set up as infra's RedisAutoConfiguration sets them, and throwaway servers. */
final class TestRedis {

  private TestRedis() {}

  /** A client of its own, as one API replica has. */
  static RedissonClient client(String url) {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress(url)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0);
    config.setLazyInitialization(true);
    return Redisson.create(config);
  }

  /** Keys of one test only, on the Redis that other tests share. */
  static String uniquePrefix() {
    return "modelyard-test:ratelimit:" + UUID.randomUUID() + ":";
  }

  /** A redis-server of the test's own on loopback, without persistence; ready when returned. */
  static Process startServer(int port) throws IOException, InterruptedException {
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

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
