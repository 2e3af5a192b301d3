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
 *
 * <p>A connection that died without a word (a NAT that forgot it, a database that failed over
 * without a reset) would wait for notifications for good: the listener asks the database something
 * every {@link #PING_EVERY}, with a network timeout, and reconnects when it gets no answer.
 */
public final class NotificationListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
  private static final Duration WAIT = Duration.ofMillis(500);
  private static final Duration RECONNECT = Duration.ofSeconds(1);
  static final Duration PING_EVERY = Duration.ofSeconds(30);
  static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final String channel;
  private final Consumer<String> onNotification;
  private final Duration pingEvery;
  private final Duration networkTimeout;
  private final Thread thread;
  private volatile boolean running = true;

  private NotificationListener(
      DataSource dataSource,
      String channel,
      Consumer<String> onNotification,
      Duration pingEvery,
      Duration networkTimeout) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.onNotification = onNotification;
    this.pingEvery = pingEvery;
    this.networkTimeout = networkTimeout;
    this.thread = Thread.ofPlatform().name(channel).daemon().unstarted(this::listen);
  }

  /**
   * @param onNotification receives each payload, or null after a (re)connection: treat everything
   *     as changed
   */
  public static NotificationListener start(
      DataSource dataSource, String channel, Consumer<String> onNotification) {
    return start(dataSource, channel, onNotification, PING_EVERY, NETWORK_TIMEOUT);
  }

  static NotificationListener start(
      DataSource dataSource,
      String channel,
      Consumer<String> onNotification,
      Duration pingEvery,
      Duration networkTimeout) {
    NotificationListener listener =
        new NotificationListener(dataSource, channel, onNotification, pingEvery, networkTimeout);
    listener.thread.start();
    return listener;
  }

  private void listen() {
    boolean warned = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        // Every read on it gives up after this (the pool resets it when the connection returns).
        connection.setNetworkTimeout(Runnable::run, (int) networkTimeout.toMillis());
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        if (warned) {
          log.info("{}: listening again", channel);
          warned = false;
        }
        PGConnection postgres = connection.unwrap(PGConnection.class);
        onNotification.accept(null);
        long nextPing = System.nanoTime() + pingEvery.toNanos();
        while (running) {
          // Returns as soon as a notification arrives; the timeout only lets close() be seen.
          PGNotification[] notifications = postgres.getNotifications((int) WAIT.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              onNotification.accept(notification.getParameter());
            }
          }
          if (System.nanoTime() - nextPing >= 0) {
            try (Statement ping = connection.createStatement()) {
              ping.execute("select 1");
            }
            nextPing = System.nanoTime() + pingEvery.toNanos();
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
