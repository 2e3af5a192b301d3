package dev.modelyard.standalone;

import dev.modelyard.api.security.FirstAdminKey;
import dev.modelyard.infra.postgres.DatabaseEndpoint;
import dev.modelyard.infra.postgres.EmbeddedPostgresServer;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.settings.ProviderSettings;
import dev.modelyard.infra.settings.SecuritySettings;
import dev.modelyard.infra.settings.TemporalSettings;
import dev.modelyard.infra.temporal.TemporalEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Embedded stand-ins for the services a user has not configured. Each one steps aside as soon as
 * its variable is set, and start-up logs one line per part saying which was chosen and why.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddedSettings.class)
class EmbeddedServicesConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServicesConfiguration.class);

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnExpression("'${modelyard.database.url:}'.isEmpty()")
  static class EmbeddedPostgres {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgres(DataDirSettings dataDir) {
      EmbeddedPostgresServer server =
          EmbeddedPostgresServer.start(dataDir.dataDir().resolve("postgres"));
      log.info(
          "PostgreSQL: embedded at {}, data in {} (DATABASE_URL not set)",
          server.endpoint().jdbcUrl(),
          server.dataDir());
      return server;
    }

    @Bean
    DatabaseEndpoint databaseEndpoint(EmbeddedPostgresServer server) {
      return server.endpoint();
    }

    /**
     * On the first start (no key yet) and without MODELYARD_ADMIN_KEY, an admin key is made and
     * shown once, on the console only: printed, not logged, so no log file ever holds it. First
     * among the runners, so that none finds the installation without a key.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ApplicationRunner printFirstAdminKey(FirstAdminKey firstKey, SecuritySettings security) {
      return arguments -> {
        if (security.adminKey() == null) {
          firstKey
              .createIfNoKeys()
              .ifPresent(
                  key -> {
                    System.out.println("Admin API key: " + key);
                    System.out.flush();
                  });
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnExpression("'${modelyard.temporal.address:}'.isEmpty()")
  static class EmbeddedTemporalServer {

    @Bean(destroyMethod = "close")
    EmbeddedTemporal embeddedTemporal(DataDirSettings dataDir, EmbeddedSettings settings) {
      return EmbeddedTemporal.start(dataDir.dataDir().resolve("temporal"), settings.temporalPort());
    }

    @Bean
    TemporalEndpoint temporalEndpoint(EmbeddedTemporal server, TemporalSettings settings) {
      return new TemporalEndpoint(server.target(), settings.namespace());
    }
  }

  @Bean
  String providerReport(ProviderSettings providers, org.springframework.core.env.Environment env) {
    if (env.getProperty("modelyard.redis.url", "").isEmpty()) {
      log.info("Redis: none, caches and limits stay in this process (REDIS_URL not set)");
    }
    log.info(
        "Ollama: {}",
        providers.ollamaHost() != null
            ? providers.ollamaHost() + " (OLLAMA_HOST)"
            : "not configured (OLLAMA_HOST not set)");
    return "reported";
  }
}
