package dev.modelyard.infra.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.settings.DatabaseSettings;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL from DATABASE_URL. The standalone launcher supplies its own {@link DatabaseEndpoint}
 * for the embedded server, and this one then steps aside.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@EnableConfigurationProperties(DatabaseSettings.class)
public class DatabaseAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DatabaseAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  DatabaseEndpoint databaseEndpoint(DatabaseSettings settings) {
    if (settings.url() == null) {
      throw new IllegalStateException(
          "DATABASE_URL is not set: the API and workers need PostgreSQL"
              + " (the standalone launcher embeds one when it is unset)");
    }
    DatabaseEndpoint endpoint = DatabaseEndpoint.fromUrl(settings.url());
    log.info("PostgreSQL: external at {} (DATABASE_URL)", endpoint.jdbcUrl());
    return endpoint;
  }

  @Bean
  @ConditionalOnMissingBean
  DataSource dataSource(DatabaseEndpoint endpoint, DatabaseSettings settings) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("modelyard");
    dataSource.setJdbcUrl(endpoint.jdbcUrl());
    dataSource.setUsername(endpoint.username());
    if (endpoint.password() != null) {
      dataSource.setPassword(endpoint.password().value());
    }
    // Fail a request quickly when the database is gone instead of queueing it for 30 s.
    dataSource.setConnectionTimeout(5_000);
    dataSource.setMaximumPoolSize(10);
    dataSource.addDataSourceProperty(
        "socketTimeout", Long.toString(settings.socketTimeout().toSeconds()));
    // The audit log and the cost ledger insert hundreds of rows per batch: sent as multi-row
    // INSERTs, PostgreSQL spends a fraction of the CPU it spends on as many single-row ones, CPU
    // that the API's request path shares on a small machine.
    dataSource.addDataSourceProperty("reWriteBatchedInserts", "true");
    return dataSource;
  }

  /**
   * Migrations on connections of their own, without the pool's socket timeout: building an index on
   * a large table, or waiting for another replica's migration, may take longer than any query.
   */
  @Bean
  FlywayConfigurationCustomizer migrationsWithoutSocketTimeout(DatabaseEndpoint endpoint) {
    return configuration ->
        configuration.dataSource(
            endpoint.jdbcUrl(),
            endpoint.username(),
            endpoint.password() == null ? null : endpoint.password().value());
  }

  @Bean
  @ConditionalOnMissingBean
  ModelRegistry modelRegistry(JdbcClient jdbc) {
    return new ModelRegistry(jdbc);
  }
}
