package dev.modelyard.api.gateway;

import dev.modelyard.api.security.Caller;
import dev.modelyard.infra.costs.CostLedger;
import dev.modelyard.infra.costs.PriceTable;
import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.infra.providers.cloud.CloudProviders;
import dev.modelyard.infra.settings.CloudBaseUrls;
import dev.modelyard.infra.settings.CloudProviderKeys;
import dev.modelyard.infra.settings.CostSettings;
import java.time.Clock;
import javax.sql.DataSource;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The gateway's settings, the cloud providers whose key is set, and cost accounting. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewaySettings.class)
class GatewayConfiguration {

  @Bean
  CloudProviders cloudProviders(CloudProviderKeys keys, CloudBaseUrls urls) {
    return CloudProviders.from(keys, urls, Clock.systemUTC());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  CostLedger costLedger(DataSource dataSource) {
    return new CostLedger(dataSource, Clock.systemUTC());
  }

  /** The last filter: everything else has run when it answers (see RateLimitFilter's order). */
  @Bean
  FilterRegistrationBean<OpenAiGenerationFilter> openAiGenerations(OpenAiController controller) {
    var registration = new FilterRegistrationBean<>(new OpenAiGenerationFilter(controller));
    registration.setOrder(Ordered.LOWEST_PRECEDENCE);
    return registration;
  }

  @Bean
  CostAccounting costAccounting(
      CostLedger ledger,
      CostSettings settings,
      GatewaySettings gateway,
      ObjectProvider<RedissonClient> redis,
      ObjectProvider<DeploymentIdentity> deployment) {
    RedissonClient client = redis.getIfAvailable();
    return new CostAccounting(
        PriceTable.STANDARD,
        ledger,
        settings,
        Clock.systemUTC(),
        Caller::current,
        client == null ? null : new SharedCostHolds(client, deployment.getObject()),
        gateway.totalTimeout());
  }
}
