package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.infra.redis.RedisAutoConfiguration;
import dev.modelyard.infra.settings.EnvironmentVariablesPropertySource;
import dev.modelyard.infra.settings.RateLimitSettings;
import dev.modelyard.infra.settings.SettingsAutoConfiguration;
import dev.modelyard.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The limiter the application wires from its environment, and the filter that uses it. */
class RateLimitConfigurationTests {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withInitializer(
              ctx ->
                  new EnvironmentVariablesPropertySource()
                      .postProcessEnvironment(ctx.getEnvironment(), null))
          .withConfiguration(
              AutoConfigurations.of(SettingsAutoConfiguration.class, RedisAutoConfiguration.class))
          .withUserConfiguration(RateLimitConfiguration.class, RateLimitFilter.class)
          .withBean(DeploymentIdentity.class, () -> new DeploymentIdentity("rate-limit-tests"));

  @Test
  void withoutRedisTheLimitsHoldInThisProcess() {
    context.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(RateLimitFilter.class);
          assertThat(ctx.getBean(RateLimiter.class)).isInstanceOf(LocalRateLimiter.class);
        });
  }

  @Test
  void withRedisTheLimitsAreSharedWithThisProcessAsFallback() {
    context
        .withSystemProperties("REDIS_URL=" + TestServices.get("REDIS_URL"))
        .run(
            ctx ->
                assertThat(ctx.getBean(RateLimiter.class)).isInstanceOf(FallbackRateLimiter.class));
  }

  @Test
  void theGlobalLimitIsTenCallersWorthUnlessSet() {
    context
        .withSystemProperties("RATE_LIMIT_REQUESTS=50")
        .run(
            ctx ->
                assertThat(ctx.getBean(RateLimitSettings.class).globalRequests()).isEqualTo(500));
    context
        .withSystemProperties("RATE_LIMIT_REQUESTS=50", "RATE_LIMIT_GLOBAL_REQUESTS=70")
        .run(
            ctx -> assertThat(ctx.getBean(RateLimitSettings.class).globalRequests()).isEqualTo(70));
  }
}
