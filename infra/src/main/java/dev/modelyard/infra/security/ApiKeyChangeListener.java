package dev.modelyard.infra.security;

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
 * Calls back with a key's hash when that key changes (created, revoked), through PostgreSQL's
 * LISTEN on {@link ApiKeyStore#CHANNEL}. It holds one connection of the pool and waits on it, so a
 * change reaches every replica within milliseconds. On each (re)connection it calls back with null,
 * meaning "anything may have changed while nobody listened".
 */
public final class ApiKeyChangeListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyChangeListener.class);
  private static final Duration WAIT = Duration.ofMillis(500);
  private static final Duration RECONNECT = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final Consumer<String> onChange;
  private final Thread thread;
  private volatile boolean running = true;

  private ApiKeyChangeListener(DataSource dataSource, Consumer<String> onChange) {
    this.dataSource = dataSource;
    this.onChange = onChange;
    this.thread = Thread.ofPlatform().name("api-key-changes").daemon().unstarted(this::listen);
  }

  /**
   * @param onChange receives the changed key's hash, or null when every cached key is suspect
   */
  public static ApiKeyChangeListener start(DataSource dataSource, Consumer<String> onChange) {
    ApiKeyChangeListener listener = new ApiKeyChangeListener(dataSource, onChange);
    listener.thread.start();
    return listener;
  }

  private void listen() {
    boolean warned = false;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + ApiKeyStore.CHANNEL);
        }
        if (warned) {
          log.info("API key changes: listening again");
          warned = false;
        }
        PGConnection postgres = connection.unwrap(PGConnection.class);
        onChange.accept(null);
        while (running) {
          // Returns as soon as a notification arrives; the timeout only lets close() be seen.
          PGNotification[] notifications = postgres.getNotifications((int) WAIT.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              onChange.accept(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        if (!warned) {
          log.warn(
              "API key changes: not listening ({}); cached keys expire by themselves; retrying"
                  + " every {}",
              e.getMessage(),
              RECONNECT);
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
