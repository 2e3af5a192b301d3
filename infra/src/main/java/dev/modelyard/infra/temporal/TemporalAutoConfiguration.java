package dev.modelyard.infra.temporal;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.modelyard.infra.settings.TemporalSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
  private static final int METRICS_REPORT_SECONDS = 10;

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

  /**
   * The SDK's own metrics (client requests, and the workers' polls, task latencies and slots),
   * reported into the application's Micrometer registry as Temporal's samples do, so that they come
   * out of the same {@code /actuator/prometheus}. Without a registry they go nowhere.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Scope temporalMetricsScope(ObjectProvider<MeterRegistry> meters) {
    MeterRegistry registry = meters.getIfAvailable();
    if (registry == null) {
      return new NoopScope();
    }
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(METRICS_REPORT_SECONDS));
  }

  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean
  WorkflowServiceStubs workflowServiceStubs(TemporalEndpoint endpoint, Scope temporalMetricsScope) {
    return WorkflowServiceStubs.newConnectedServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(endpoint.target())
            .setMetricsScope(temporalMetricsScope)
            .build(),
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
