package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.modelyard.testing.FreshSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The listener against the real PostgreSQL of the test environment, through a TCP relay in the test
 * that can stop passing bytes on the connections it has without closing them: what a NAT that
 * forgot a connection, or a fail-over without a reset, looks like from the client.
 */
class NotificationListenerTests {

  private static final String CHANNEL = "listener_test";

  private final FreshSchema database = new FreshSchema();
  private final Relay relay = new Relay(URI.create(database.dataSource.getJdbcUrl().substring(5)));
  private final HikariDataSource throughRelay = new HikariDataSource();
  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
  private NotificationListener listener;

  @AfterEach
  void close() throws IOException {
    if (listener != null) {
      listener.close();
    }
    throughRelay.close();
    relay.close();
    database.close();
  }

  @Test
  void aConnectionThatWentSilentIsNoticedByItsPingAndListeningResumesOnANewOne() throws Exception {
    throughRelay.setJdbcUrl(
        database
            .dataSource
            .getJdbcUrl()
            .replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/"));
    throughRelay.setUsername(database.dataSource.getUsername());
    throughRelay.setPassword(database.dataSource.getPassword());
    throughRelay.setMaximumPoolSize(2);
    listener =
        NotificationListener.start(
            throughRelay,
            CHANNEL,
            payload -> heard.add(payload == null ? "(connected)" : payload),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("(connected)");
    notifyChannel("before");
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

    relay.silenceCurrentConnections();

    // The ping gets no answer within its timeout; the listener reconnects, and hears again.
    assertThat(heard.poll(15, TimeUnit.SECONDS)).isEqualTo("(connected)");
    notifyChannel("after");
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
  }

  private void notifyChannel(String payload) {
    JdbcClient.create(database.dataSource)
        .sql("select pg_notify(:channel, :payload)")
        .param("channel", CHANNEL)
        .param("payload", payload)
        .query(String.class)
        .single();
  }

  /** Relays loopback TCP to PostgreSQL; connections silenced pass nothing more, and stay open. */
  private static final class Relay implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final List<AtomicBoolean> silenced = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Relay(URI target) {
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
}
