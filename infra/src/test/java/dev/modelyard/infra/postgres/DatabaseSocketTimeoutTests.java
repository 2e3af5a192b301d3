package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariDataSource;
import dev.modelyard.infra.settings.DatabaseSettings;
import dev.modelyard.infra.settings.Secret;
import dev.modelyard.testing.FreshSchema;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool that every query uses, against the test environment's PostgreSQL through a {@link
 * SilentRelay}: a database that stops answering without closing its connections (its node gone)
 * fails a query after the socket timeout, rather than holding it until TCP gives up.
 */
class DatabaseSocketTimeoutTests {

  private final FreshSchema database = new FreshSchema();
  private final SilentRelay relay =
      new SilentRelay(URI.create(database.dataSource.getJdbcUrl().substring(5)));
  private HikariDataSource pool;

  @AfterEach
  void close() throws Exception {
    if (pool != null) {
      pool.close();
    }
    relay.close();
    database.close();
  }

  @Test
  void aDatabaseThatStopsAnsweringFailsTheQueryAfterTheSocketTimeout() throws Exception {
    DatabaseEndpoint throughRelay =
        new DatabaseEndpoint(
            database
                .dataSource
                .getJdbcUrl()
                .replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/"),
            database.dataSource.getUsername(),
            new Secret(database.dataSource.getPassword()));
    pool =
        (HikariDataSource)
            new DatabaseAutoConfiguration()
                .dataSource(throughRelay, new DatabaseSettings(null, Duration.ofSeconds(1)));
    // One connection throughout: a new one would pass the relay, which silences only those it has.
    Connection connection = pool.getConnection();
    try {
      Statement statement = connection.createStatement();
      assertThat(statement.execute("select 1")).isTrue();

      relay.silenceCurrentConnections();

      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertThatThrownBy(() -> statement.execute("select 1"))
                  .hasRootCauseInstanceOf(SocketTimeoutException.class));
    } finally {
      // Closes its socket at once, also when a read is still waiting on it.
      connection.abort(Runnable::run);
    }
  }

  @Test
  void refusesASocketTimeoutUnderASecond() {
    assertThatThrownBy(() -> new DatabaseSettings(null, Duration.ofMillis(500)))
        .hasMessageContaining("MODELYARD_DATABASE_SOCKET_TIMEOUT");
  }
}
