package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.modelyard.testing.FreshSchema;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The listener against the real PostgreSQL of the test environment, through a {@link SilentRelay}
 * that can stop passing bytes on the connections it has without closing them.
 */
class NotificationListenerTests {

  private static final String CHANNEL = "listener_test";

  private final FreshSchema database = new FreshSchema();
  private final SilentRelay relay =
      new SilentRelay(URI.create(database.dataSource.getJdbcUrl().substring(5)));
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
}
