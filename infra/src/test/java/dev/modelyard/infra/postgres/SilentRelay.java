package dev.modelyard.infra.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay to PostgreSQL that can stop passing bytes on the connections it has without closing
 * them: what a NAT that forgot a connection, a node gone, or a fail-over without a reset looks like
 * from the client.
 */
final class SilentRelay implements AutoCloseable {

  private final ServerSocket server;
  private final URI target;
  private final List<AtomicBoolean> silenced = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  SilentRelay(URI target) {
    this.target = target;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Thread.ofVirtual().start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  void silenceCurrentConnections() {
    silenced.forEach(flag -> flag.set(true));
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getHost(), target.getPort());
        sockets.add(client);
        sockets.add(upstream);
        AtomicBoolean silent = new AtomicBoolean();
        silenced.add(silent);
        Thread.ofVirtual().start(() -> pump(client, upstream, silent));
        Thread.ofVirtual().start(() -> pump(upstream, client, silent));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, AtomicBoolean silent) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (!silent.get()) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException closed) {
      // the other side went away, or the relay closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
