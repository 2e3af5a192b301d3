package dev.modelyard.workers.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class WorkerPoolSettingsTests {

  @Test
  void aProcessPollsEveryQueueByDefault() {
    WorkerPoolSettings settings = bind(Map.of());

    assertThat(PoolKind.values()).allSatisfy(kind -> assertThat(settings.polls(kind)).isTrue());
  }

  @Test
  void aProcessCanBeLimitedToSomeQueuesAsTheEnvironmentNamesThem() {
    WorkerPoolSettings settings = bind(Map.of("modelyard.workers.pools", "pulls,runtime"));

    assertThat(settings.polls(PoolKind.PULLS)).isTrue();
    assertThat(settings.polls(PoolKind.RUNTIME)).isTrue();
    assertThat(settings.polls(PoolKind.HOST)).isFalse();
    assertThat(settings.polls(PoolKind.HEALTH)).isFalse();
  }

  @Test
  void anUnknownPoolIsRefused() {
    assertThatThrownBy(() -> bind(Map.of("modelyard.workers.pools", "pulls,gpu")))
        .isInstanceOf(BindException.class);
  }

  @Test
  void sizesKeepTheirDefaultsWhenOnlyThePoolsAreGiven() {
    WorkerPoolSettings settings = bind(Map.of("modelyard.workers.pools", "host"));

    assertThat(settings.size(PoolKind.HOST)).isEqualTo(new WorkerPoolSettings.PoolSize(8, 20));
    assertThat(settings.size(PoolKind.TRANSFERS)).isEqualTo(new WorkerPoolSettings.PoolSize(4, 2));
    assertThat(settings.size(PoolKind.STOPS)).isEqualTo(new WorkerPoolSettings.PoolSize(4, 2));
  }

  @Test
  void aProcessPollingItsHostQueuePollsItsTransfersAndStopsQueuesToo() {
    assertThat(bind(Map.of("modelyard.workers.pools", "host")).polls(PoolKind.TRANSFERS)).isTrue();
    assertThat(bind(Map.of("modelyard.workers.pools", "host")).polls(PoolKind.STOPS)).isTrue();
    assertThat(bind(Map.of("modelyard.workers.pools", "pulls")).polls(PoolKind.TRANSFERS))
        .isFalse();
    assertThat(bind(Map.of("modelyard.workers.pools", "pulls")).polls(PoolKind.STOPS)).isFalse();
  }

  private static WorkerPoolSettings bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("modelyard.workers", WorkerPoolSettings.class);
  }
}
