package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewaySettingsTests {

  @Test
  void theDefaultsAreAccepted() {
    assertThat(settings(Duration.ofSeconds(60), Duration.ofMinutes(10), 1).retries()).isEqualTo(1);
  }

  @Test
  void aTimeoutThatIsNotPositiveIsRefusedByItsName() {
    assertThatThrownBy(() -> settings(Duration.ZERO, Duration.ofMinutes(10), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("modelyard.gateway.first-token-timeout must be positive, was PT0S");
    assertThatThrownBy(() -> settings(Duration.ofSeconds(60), Duration.ofSeconds(-1), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("modelyard.gateway.total-timeout must be positive, was PT-1S");
  }

  @Test
  void retriesOutsideZeroToFiveAreRefused() {
    assertThatThrownBy(() -> settings(Duration.ofSeconds(60), Duration.ofMinutes(10), 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("modelyard.gateway.retries must be from 0 to 5, was 6");
  }

  @Test
  void aModelsFallbackChainIsFoundWhateverTheCaseOfItsName() {
    GatewaySettings settings =
        new GatewaySettings(
            Duration.ofSeconds(2),
            Duration.ofSeconds(60),
            Duration.ofMinutes(10),
            1,
            Duration.ofMillis(100),
            512,
            Duration.ofSeconds(10),
            RoutingStrategy.LEAST_OUTSTANDING,
            Duration.ofSeconds(5),
            Map.of("Llama3", List.of("tiny", "openai:gpt-4o-mini")));

    assertThat(settings.fallbacksOf("llama3")).containsExactly("tiny", "openai:gpt-4o-mini");
    assertThat(settings.fallbacksOf("LLAMA3")).containsExactly("tiny", "openai:gpt-4o-mini");
    assertThat(settings.fallbacksOf("other")).isEmpty();
  }

  private static GatewaySettings settings(Duration firstToken, Duration total, int retries) {
    return new GatewaySettings(
        Duration.ofSeconds(2),
        firstToken,
        total,
        retries,
        Duration.ofMillis(100),
        512,
        Duration.ofSeconds(10),
        RoutingStrategy.LEAST_OUTSTANDING,
        Duration.ofSeconds(5),
        null);
  }
}
