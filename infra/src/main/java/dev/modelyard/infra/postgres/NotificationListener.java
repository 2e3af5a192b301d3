package dev.modelyard.infra.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on one PostgreSQL channel and hands each notification's payload to a callback, so that
 * every process keeping something in memory (the routing table, the API key cache) sees a change as
 * it commits. It holds one connection of the pool; when that fails it reconnects, and calls back
 * with {@code null} on each (re)connection, since anything may have changed while it was away.
 */
public final class NotificationListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
  private static final Duration WAIT = Duration.ofMillis(500);
  private static final Duration RECONNECT = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> onNotification;
  private final Thread thread;
  private volatile boolean running = true;

  private NotificationListener(
      DataSource dataSource, String channel, Consumer<String> onNotification) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.onNotification = onNotification;
    this.thread = Thread.ofPlatform().name(channel).daemon().unstarted(this::listen);
  }

  /**
   * @param onNotification receives each payload, or null after a (re)connection: treat everything
   *     as changed
   */
  public static NotificationListener start(
      DataSource dataSource, String channel, Consumer<String> onNotification) {
    NotificationListener listener = new NotificationListener(dataSource, channel, onNotification);
    listener.thread.start();
    return listener;
  }

  private void listen() {
    boolean warned = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        if (warned) {
          log.info("{}: listening again", channel);
          warned = false;
        }
        PGConnection postgres = connection.unwrap(PGConnection.class);
        onNotification.accept(null);
        while (running) {
          // Returns as soon as a notification arrives; the timeout only lets close() be seen.
          PGNotification[] notifications = postgres.getNotifications((int) WAIT.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              onNotification.accept(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        if (!warned) {
          log.warn("{}: not listening ({}); retrying every {}", channel, e.getMessage(), RECONNECT);
          warned = true;
        }
        try {
          Thread.sleep(RECONNECT);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
