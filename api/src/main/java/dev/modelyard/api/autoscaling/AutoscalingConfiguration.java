package dev.modelyard.api.autoscaling;

import dev.modelyard.infra.autoscaling.LoadSamples;
import dev.modelyard.infra.registry.ModelRegistry;
import io.temporal.client.WorkflowClient;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's part of autoscaling: the gateway's calls metered and published to PostgreSQL, and cold
 * starts of models scaled to zero.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AutoscalingSettings.class)
class AutoscalingConfiguration {

  @Bean
  LoadPublisher loadPublisher(
      ModelLoadMeter meter, DataSource dataSource, AutoscalingSettings settings) {
    return new LoadPublisher(meter, new LoadSamples(dataSource), settings);
  }

  @Bean
  ColdStarts coldStarts(
      WorkflowClient client, ModelRegistry registry, AutoscalingSettings settings) {
    ReadyInstances ready =
        model ->
            registry.routableInstances().stream()
                .anyMatch(
                    instance ->
                        instance.provider().equals(model.provider().wireName())
                            && instance.modelName().equalsIgnoreCase(model.name()));
    return new DeploymentColdStarts(client, registry, ready, settings);
  }
}
