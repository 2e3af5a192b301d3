package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.FreshSchema;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Against the test environment's PostgreSQL: a bounded query is cancelled on the server. */
class BoundedQueriesTests {

  private final FreshSchema database = new FreshSchema();

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aQueryPastItsTimeoutIsCancelledAndTheConnectionServesTheNext() {
    JdbcClient bounded = BoundedQueries.jdbcClient(database.dataSource, Duration.ofSeconds(1));

    assertThatThrownBy(() -> bounded.sql("select pg_sleep(30)").query().singleRow())
        .isInstanceOf(QueryTimeoutException.class);

    // Stopped on the server too, not only abandoned by the client.
    assertThat(
            bounded
                .sql(
                    "select count(*) from pg_stat_activity where query like 'select pg_sleep%'"
                        + " and state = 'active' and pid <> pg_backend_pid()")
                .query(Long.class)
                .single())
        .isZero();
  }
}
