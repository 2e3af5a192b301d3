package dev.modelyard.bench;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain proxy to the same backend, measured as a floor under the gateway's added latency: it
 * forwards requests and answers, with no authentication, cache, routing or accounting, over
 * connections to the backend kept alive. What it adds is what a second process on the path costs on
 * this machine.
 */
final class ReferenceProxy implements AutoCloseable {

  private final Process process;
  private final URI base;

  private ReferenceProxy(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  /** nginx ({@code apt-get install nginx}), one worker per core as advised, without access log. */
  static ReferenceProxy nginx(Path executable, URI backend, int port) throws Exception {
    Path dir = Files.createTempDirectory("nginx-bench");
    Path config = dir.resolve("nginx.conf");
    Files.writeString(
        config,
        """
        daemon off;
        worker_processes auto;
        user root;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          upstream backend { server %2$s; keepalive 1024; }
          server {
            listen 127.0.0.1:%3$d backlog=1024;
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
            }
          }
        }
        """
            .formatted(dir, backend.getAuthority(), port));
    return started(
        List.of(executable.toString(), "-c", config.toString(), "-p", dir.toString()), dir, port);
  }

  /**
   * {@link EventLoopProxy} in a JVM of its own, started with {@code java} (command and options).
   */
  static ReferenceProxy eventLoop(List<String> java, URI backend, int port) throws Exception {
    List<String> command = new ArrayList<>(java);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            EventLoopProxy.class.getName(),
            Integer.toString(port),
            Integer.toString(backend.getPort())));
    return started(command, Files.createTempDirectory("event-loop-bench"), port);
  }

  private static ReferenceProxy started(List<String> command, Path dir, int port) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("proxy.log").toFile())
            .start();
    ReferenceProxy proxy = new ReferenceProxy(process, URI.create("http://127.0.0.1:" + port));
    proxy.awaitListening(dir);
    return proxy;
  }

  URI base() {
    return base;
  }

  private void awaitListening(Path dir) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the proxy exited: see " + dir);
      }
      try (Socket socket = new Socket(base.getHost(), base.getPort())) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the proxy did not listen on " + base + ": see " + dir);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }
}
