package dev.modelyard.api.costs;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CostReportSettings.class)
class CostsConfiguration {

  @Bean
  CostReports costReports(JdbcClient jdbc, CostReportSettings settings) {
    return new CostReports(jdbc, settings);
  }
}
