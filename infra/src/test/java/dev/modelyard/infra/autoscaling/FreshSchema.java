package dev.modelyard.infra.autoscaling;

import com.zaxxer.hikari.HikariDataSource;
import dev.modelyard.infra.postgres.DatabaseEndpoint;
import dev.modelyard.testing.TestServices;
import java.net.URI;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/** A new schema on the test PostgreSQL with Modelyard's migrations applied, for one test class. */
final class FreshSchema implements AutoCloseable {

  final HikariDataSource dataSource = new HikariDataSource();
  final String schema = "test_" + UUID.randomUUID().toString().replace("-", "");

  FreshSchema() {
    DatabaseEndpoint endpoint =
        DatabaseEndpoint.fromUrl(URI.create(TestServices.get("DATABASE_URL")));
    dataSource.setJdbcUrl(endpoint.jdbcUrl() + "?currentSchema=" + schema);
    dataSource.setUsername(endpoint.username());
    dataSource.setPassword(endpoint.password().value());
    Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
  }

  @Override
  public void close() {
    try (var connection = dataSource.getConnection();
        var statement = connection.createStatement()) {
      statement.execute("drop schema " + schema + " cascade");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    } finally {
      dataSource.close();
    }
  }
}
