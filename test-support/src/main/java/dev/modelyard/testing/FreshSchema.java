package dev.modelyard.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A new schema on the test PostgreSQL with Modelyard's migrations applied (those on the test's
 * class path), for one test class that talks to the database without an application context.
 */
public final class FreshSchema implements AutoCloseable {

  public final HikariDataSource dataSource = new HikariDataSource();
  public final String schema = "test_" + UUID.randomUUID().toString().replace("-", "");

  public FreshSchema() {
    dataSource.setJdbcUrl(TestServices.get("JDBC_DATABASE_URL") + "?currentSchema=" + schema);
    dataSource.setUsername(TestServices.get("DATABASE_USER"));
    dataSource.setPassword(TestServices.get("DATABASE_PASSWORD"));
    Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
  }

  @Override
  public void close() {
    try (var connection = dataSource.getConnection();
        var statement = connection.createStatement()) {
      statement.execute("drop schema " + schema + " cascade");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    } finally {
      dataSource.close();
    }
  }
}
