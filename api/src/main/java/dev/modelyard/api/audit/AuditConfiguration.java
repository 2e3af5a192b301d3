package dev.modelyard.api.audit;

import dev.modelyard.infra.audit.AuditLog;
import dev.modelyard.infra.audit.AuditRecords;
import dev.modelyard.infra.postgres.BoundedQueries;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuditSettings.class)
class AuditConfiguration {

  @Bean
  AuditLogLifecycle auditLog(DataSource dataSource, AuditSettings settings) {
    return new AuditLogLifecycle(
        new AuditLog(
            dataSource, settings.queueCapacity(), settings.batchSize(), settings.closeWait()));
  }

  /** A search's filters may have no index behind them (a status over a month): bounded. */
  @Bean
  AuditRecords auditRecords(DataSource dataSource) {
    return new AuditRecords(BoundedQueries.jdbcClient(dataSource, BoundedQueries.REPORT_TIMEOUT));
  }

  /**
   * Early in the chain, before the rate limiter, so that a refused call is recorded too and the
   * latency covers everything this process did.
   */
  @Bean
  FilterRegistrationBean<AuditFilter> auditFilter(
      AuditLogLifecycle auditLog, AuditSettings settings) {
    FilterRegistrationBean<AuditFilter> registration =
        new FilterRegistrationBean<>(new AuditFilter(auditLog.log(), settings, Clock.systemUTC()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
    return registration;
  }
}
