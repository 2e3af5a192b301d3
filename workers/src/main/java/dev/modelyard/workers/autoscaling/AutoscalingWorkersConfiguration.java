package dev.modelyard.workers.autoscaling;

import dev.modelyard.infra.autoscaling.LoadSamples;
import dev.modelyard.infra.autoscaling.ScalingLog;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The autoscaler's activities run on the runtime pool, next to the deployments that call them: they
 * read the load the gateway published and log decisions, both in PostgreSQL.
 */
@Configuration(proxyBeanMethods = false)
class AutoscalingWorkersConfiguration {

  @Bean
  PoolRegistration autoscalingPool(DataSource dataSource) {
    return new PoolRegistration(
        PoolKind.RUNTIME,
        List.of(),
        List.of(
            new AutoscalingActivitiesImpl(
                new LoadSamples(dataSource), new ScalingLog(dataSource))));
  }
}
