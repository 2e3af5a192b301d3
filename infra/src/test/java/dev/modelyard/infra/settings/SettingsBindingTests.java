package dev.modelyard.infra.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Environment variables bind to typed records, and a bad one is reported in one line. */
class SettingsBindingTests {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withInitializer(
              ctx ->
                  new EnvironmentVariablesPropertySource()
                      .postProcessEnvironment(ctx.getEnvironment(), null))
          .withConfiguration(AutoConfigurations.of(SettingsAutoConfiguration.class));

  @Test
  void bindsTheVariablesUsersAlreadyKnow() {
    context
        .withSystemProperties(
            "RATE_LIMIT_REQUESTS=50",
            "RATE_LIMIT_WINDOW=30",
            "OLLAMA_HOST=127.0.0.1:11434",
            "MONTHLY_COST_LIMIT=250.50",
            "OPENAI_API_KEY=sk-test-secret")
        .run(
            ctx -> {
              assertThat(ctx.getBean(RateLimitSettings.class).requests()).isEqualTo(50);
              assertThat(ctx.getBean(RateLimitSettings.class).window())
                  .isEqualTo(Duration.ofSeconds(30));
              assertThat(ctx.getBean(ProviderSettings.class).ollamaHost())
                  .hasToString("http://127.0.0.1:11434");
              assertThat(ctx.getBean(CostSettings.class).monthlyLimit())
                  .isEqualByComparingTo("250.50");
              CloudProviderKeys keys = ctx.getBean(CloudProviderKeys.class);
              assertThat(keys.openaiApiKey().value()).isEqualTo("sk-test-secret");
              assertThat(keys.toString()).doesNotContain("sk-test-secret");
            });
  }

  @Test
  void anEmptyVariableMeansUnset() {
    context
        .withSystemProperties("DATABASE_URL=", "TEMPORAL_NAMESPACE=")
        .run(
            ctx -> {
              assertThat(ctx.getBean(DatabaseSettings.class).url()).isNull();
              assertThat(ctx.getBean(TemporalSettings.class).namespace()).isEqualTo("default");
            });
  }

  @Test
  void aValueThatDoesNotConvertIsReportedInOneLineNamingTheVariable() {
    context
        .withSystemProperties("RATE_LIMIT_WINDOW=soon")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .isEqualTo(
                        "RATE_LIMIT_WINDOW='soon' is not valid: expected a whole number of"
                            + " seconds, from 1 to 2678400 (31 days)"));
  }

  @Test
  void aValueARecordRejectsIsReportedWithTheRecordsReason() {
    context
        .withSystemProperties("REDIS_URL=http://127.0.0.1:6379")
        .run(
            ctx -> {
              FailureAnalysis analysis = analysis(ctx.getStartupFailure());
              assertThat(analysis.getDescription())
                  .startsWith("REDIS_URL must be a redis:// or rediss:// URL")
                  .doesNotContain("\n");
              assertThat(analysis.getAction()).isEqualTo("Fix or unset REDIS_URL.");
            });
  }

  @Test
  void theUnknownKeysOfAllAddressesMayNotBeFewerThanThoseOfOne() {
    context
        .withSystemProperties(
            "MODELYARD_UNKNOWN_KEYS_PER_MINUTE=50", "MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL=40")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .startsWith(
                        "MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL must be at least"
                            + " MODELYARD_UNKNOWN_KEYS_PER_MINUTE (50)"));
    context
        .withSystemProperties("MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL=5000")
        .run(
            ctx -> {
              SecuritySettings security = ctx.getBean(SecuritySettings.class);
              assertThat(security.unknownKeysPerMinute()).isEqualTo(20);
              assertThat(security.unknownKeysPerMinuteTotal()).isEqualTo(5000);
            });
    // A deployment that had raised the per-address limit above the total's default still starts.
    context
        .withSystemProperties("MODELYARD_UNKNOWN_KEYS_PER_MINUTE=2000")
        .run(
            ctx ->
                assertThat(ctx.getBean(SecuritySettings.class).unknownKeysPerMinuteTotal())
                    .isEqualTo(2000));
    context.run(
        ctx ->
            assertThat(ctx.getBean(SecuritySettings.class).unknownKeysPerMinuteTotal())
                .isEqualTo(1000));
  }

  @Test
  void aRateLimitWindowLongerThanAMonthIsRefusedAtStart() {
    context
        .withSystemProperties("RATE_LIMIT_WINDOW=10000000000")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .startsWith("RATE_LIMIT_WINDOW must be at most 2678400 seconds"));
  }

  @Test
  void aKeySetWithAnAlgorithmThatChecksTokensWithTheSecretIsRefusedAtStart() {
    context
        .withSystemProperties("MODELYARD_JWKS_URL=https://idp.example/jwks")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .startsWith("MODELYARD_JWKS_URL is set but ALGORITHM is HS256"));
    context
        .withSystemProperties("MODELYARD_JWKS_URL=https://idp.example/jwks", "ALGORITHM=RS256")
        .run(
            ctx ->
                assertThat(ctx.getBean(SecuritySettings.class).jwksUrl())
                    .hasToString("https://idp.example/jwks"));
  }

  @Test
  void aLimitOfMoreThanOneRequestAMicrosecondIsRefusedAtStart() {
    context
        .withSystemProperties("RATE_LIMIT_REQUESTS=60000001")
        .run(
            ctx ->
                assertThat(analysis(ctx.getStartupFailure()).getDescription())
                    .startsWith("RATE_LIMIT_REQUESTS must be at most 60000000"));
    // Ten times the per-caller limit would pass that too: the default global limit stops there.
    context
        .withSystemProperties("RATE_LIMIT_REQUESTS=10000000")
        .run(
            ctx ->
                assertThat(ctx.getBean(RateLimitSettings.class).globalRequests())
                    .isEqualTo(60_000_000));
  }

  private static FailureAnalysis analysis(Throwable failure) {
    Throwable cause = failure;
    while (!(cause instanceof BindException)) {
      cause = cause.getCause();
    }
    return new InvalidSettingFailureAnalyzer().analyze(failure);
  }
}
