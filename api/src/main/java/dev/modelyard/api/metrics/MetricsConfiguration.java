package dev.modelyard.api.metrics;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.api.security.GenerationEndpoints;
import dev.modelyard.api.security.RequestPaths;
import dev.modelyard.infra.gpu.GpuInventory;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.temporal.TemporalEndpoint;
import dev.modelyard.workflows.TaskQueues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.DiskSpaceMetrics;
import io.micrometer.observation.ObservationPredicate;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsSettings.class)
class MetricsConfiguration {

  @Bean
  GatewayMetrics gatewayMetrics(MeterRegistry meters) {
    return new GatewayMetrics(meters, Ticker.systemTicker());
  }

  @Bean
  FilterRegistrationBean<GatewayMetricsFilter> gatewayMetricsFilter(GatewayMetrics metrics) {
    FilterRegistrationBean<GatewayMetricsFilter> registration =
        new FilterRegistrationBean<>(new GatewayMetricsFilter(metrics));
    // Before the rate limiter, so that its 429s are counted.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 101);
    return registration;
  }

  /**
   * No {@code http.server.requests} timing for generation requests: the {@code llm_*} meters time
   * them already, and a second observation per request is a measurable share of the gateway's CPU.
   */
  @Bean
  ObservationPredicate noHttpObservationOfGenerations() {
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext request
            && GenerationEndpoints.contains(RequestPaths.path(request.getCarrier())));
  }

  @Bean
  MetricsPoller metricsPoller(
      MetricsSettings settings,
      MeterRegistry meters,
      ModelRegistry registry,
      GpuInventory gpus,
      WorkflowServiceStubs temporal,
      TemporalEndpoint endpoint) {
    return new MetricsPoller(
        List.of(
            new InstanceHealthGauges(registry, meters),
            new GpuGauges(gpus, meters),
            new TaskQueueGauges(
                temporal, endpoint.namespace(), () -> hostQueues(registry), meters)),
        settings.pollInterval());
  }

  /**
   * Each host's own queue, its transfers queue (where downloads wait their turn) and its stops
   * queue, for the hosts seen within {@link #QUEUE_HOSTS_SEEN_WITHIN}: a host gone a while keeps
   * its queues watched (work waiting for it is what the backlog alert is for), but not every host
   * that ever ran a worker, which the table keeps for good (each costs six calls to Temporal per
   * poll, per API replica).
   */
  static List<String> hostQueues(ModelRegistry registry) {
    return registry.hostIdsSeenWithin(QUEUE_HOSTS_SEEN_WITHIN).stream()
        .flatMap(
            host ->
                Stream.of(
                    TaskQueues.host(host), TaskQueues.transfers(host), TaskQueues.stops(host)))
        .toList();
  }

  static final Duration QUEUE_HOSTS_SEEN_WITHIN = Duration.ofDays(1);

  /** {@code disk_free_bytes} and {@code disk_total_bytes} of the data directory's file system. */
  @Bean
  DiskSpaceMetrics dataDirDiskSpace(DataDirSettings dataDir, MeterRegistry meters) {
    DiskSpaceMetrics disk =
        new DiskSpaceMetrics(HostResources.nearestExisting(dataDir.dataDir()).toFile());
    disk.bindTo(meters);
    return disk;
  }
}
