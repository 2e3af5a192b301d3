package dev.modelyard.api;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The web layer's beans: controllers, the router and their services. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
    excludeFilters = {
      @ComponentScan.Filter(SpringBootConfiguration.class),
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class)
    })
public class ApiConfiguration {

  /** Names what replicas of this deployment share in Redis (rate limits, cost holds). */
  @Bean
  DeploymentIdentity deploymentIdentity(JdbcClient jdbc) {
    return DeploymentIdentity.read(jdbc);
  }
}
