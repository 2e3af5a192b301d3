package dev.modelyard.infra.temporal;

import dev.modelyard.infra.settings.TemporalSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The Temporal client, from TEMPORAL_ADDRESS. We wire the SDK ourselves rather than through
 * temporal-spring-boot-starter: our settings come from the environment variables users know, the
 * standalone launcher starts its own server before connecting, and worker pools are sized per queue
 * by our own configuration.
 */
@AutoConfiguration
@EnableConfigurationProperties(TemporalSettings.class)
public class TemporalAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TemporalAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  TemporalEndpoint temporalEndpoint(TemporalSettings settings) {
    String target = settings.address() != null ? settings.address() : "127.0.0.1:7233";
    log.info(
        "Temporal: external at {} namespace {} ({})",
        target,
        settings.namespace(),
        settings.address() != null ? "TEMPORAL_ADDRESS" : "TEMPORAL_ADDRESS not set, default");
    return new TemporalEndpoint(target, settings.namespace());
  }

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  WorkflowServiceStubs workflowServiceStubs(TemporalEndpoint endpoint) {
    return WorkflowServiceStubs.newConnectedServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(endpoint.target()).build(),
        Duration.ofSeconds(30));
  }

  @Bean
  @ConditionalOnMissingBean
  WorkflowClient workflowClient(WorkflowServiceStubs stubs, TemporalEndpoint endpoint) {
    SearchAttributeRegistration.ensure(stubs, endpoint.namespace());
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(endpoint.namespace()).build());
  }
}
