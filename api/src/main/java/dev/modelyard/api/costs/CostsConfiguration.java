package dev.modelyard.api.costs;

import dev.modelyard.infra.postgres.BoundedQueries;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CostReportSettings.class)
class CostsConfiguration {

  /** A report may sum a year of records: bounded, as an audit search is. */
  @Bean
  CostReports costReports(DataSource dataSource, CostReportSettings settings) {
    return new CostReports(
        BoundedQueries.jdbcClient(dataSource, BoundedQueries.REPORT_TIMEOUT), settings);
  }
}
