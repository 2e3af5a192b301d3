package dev.modelyard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

/**
 * A wedged server on loopback, in the place of a model server, a provider or a proxy: it answers
 * every request with its headers and the first bytes of a body it announced, then sends nothing
 * more until it is closed.
 */
public final class StallingHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);

  private StallingHttpServer(ToIntFunction<String> statusByPath) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(
              statusByPath.applyAsInt(exchange.getRequestURI().getPath()), 1_000);
          exchange.getResponseBody().write('{');
          exchange.getResponseBody().flush();
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  /** Answers {@code status} to every path. */
  public static StallingHttpServer answering(int status) throws IOException {
    return new StallingHttpServer(path -> status);
  }

  /** Answers the status {@code status} gives for each path. */
  public static StallingHttpServer answering(ToIntFunction<String> statusByPath)
      throws IOException {
    return new StallingHttpServer(statusByPath);
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
