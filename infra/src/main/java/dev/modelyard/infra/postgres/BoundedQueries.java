package dev.modelyard.infra.postgres;

import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Queries that a caller can make slow (a year of cost records, an audit search whose filters no
 * index serves) run with a timeout that PostgreSQL enforces: past it the driver asks the server to
 * cancel the statement, which then stops, rather than the connection's socket timeout closing the
 * connection while the server goes on scanning (and a client's retries adding more scans).
 */
public final class BoundedQueries {

  /** Below the pool's socket timeout, so that a slow query is cancelled before it is abandoned. */
  public static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

  private BoundedQueries() {}

  public static JdbcClient jdbcClient(DataSource dataSource, Duration timeout) {
    JdbcTemplate template = new JdbcTemplate(dataSource);
    template.setQueryTimeout(Math.toIntExact(timeout.toSeconds()));
    return JdbcClient.create(template);
  }
}
