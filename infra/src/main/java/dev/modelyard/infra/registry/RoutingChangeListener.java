package dev.modelyard.infra.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when an instance or a model's routing changes, through PostgreSQL's LISTEN on the
 * channel that migration V5's triggers notify. It holds one connection of the pool; when that
 * connection fails it reconnects, and calls back once on each (re)connection so that nothing
 * changed while it was away is missed.
 */
public final class RoutingChangeListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoutingChangeListener.class);
  private static final String CHANNEL = "modelyard_routing";
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RECONNECT = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final Runnable onChange;
  private final Thread thread;
  private volatile boolean running = true;

  private RoutingChangeListener(DataSource dataSource, Runnable onChange) {
    this.dataSource = dataSource;
    this.onChange = onChange;
    this.thread = Thread.ofPlatform().name("routing-changes").daemon().unstarted(this::listen);
  }

  public static RoutingChangeListener start(DataSource dataSource, Runnable onChange) {
    RoutingChangeListener listener = new RoutingChangeListener(dataSource, onChange);
    listener.thread.start();
    return listener;
  }

  private void listen() {
    boolean warned = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        if (warned) {
          log.info("routing changes: listening again");
          warned = false;
        }
        PGConnection postgres = connection.unwrap(PGConnection.class);
        onChange.run();
        while (running) {
          PGNotification[] notifications = postgres.getNotifications((int) POLL.toMillis());
          if (notifications != null && notifications.length > 0) {
            onChange.run();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        if (!warned) {
          log.warn(
              "routing changes: not listening ({}); retrying every {}", e.getMessage(), RECONNECT);
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
