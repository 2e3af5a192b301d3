package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.health.HealthPolicy;
import dev.modelyard.workflows.health.RestartPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class HealthSettingsTests {

  @Test
  void unsetValuesTakeThePolicyDefaults() {
    HealthSettings settings = bind(Map.of());

    assertThat(settings.enabled()).isTrue();
    assertThat(settings.workflowId()).isEqualTo("health-check");
    assertThat(settings.policy()).isEqualTo(HealthPolicy.DEFAULTS);
    assertThat(settings.policy().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.startRetry()).isEqualTo(HealthSettings.DEFAULT_START_RETRY);
    assertThat(settings.executionTimeout()).isNull();
  }

  @Test
  void bindsDurationsAndNestedPolicies() {
    HealthSettings settings =
        bind(
            Map.of(
                "modelyard.health.deployment", "eu-1",
                "modelyard.health.interval", "2s",
                "modelyard.health.failures-before-restart", "5",
                "modelyard.health.restart.max-attempts", "7",
                "modelyard.health.restart.initial-backoff", "500ms",
                "modelyard.health.scoring.window", "50"));

    assertThat(settings.workflowId()).isEqualTo("health-check:eu-1");
    assertThat(settings.policy().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.policy().failuresBeforeRestart()).isEqualTo(5);
    assertThat(settings.policy().restart().maxAttempts()).isEqualTo(7);
    assertThat(settings.policy().restart().initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.policy().restart().maxBackoff())
        .isEqualTo(RestartPolicy.DEFAULT_MAX_BACKOFF);
    assertThat(settings.policy().scoring().window()).isEqualTo(50);
  }

  @Test
  void aBadValueFailsNamingIt() {
    assertThatThrownBy(() -> bind(Map.of("modelyard.health.suspect-interval", "10s")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("modelyard.health")
        .hasMessageContaining("suspectInterval");
  }

  private static HealthSettings bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("modelyard.health", HealthSettings.class);
  }
}
