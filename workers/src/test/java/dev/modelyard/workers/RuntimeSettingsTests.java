package dev.modelyard.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import dev.modelyard.infra.settings.EnvironmentVariablesPropertySource;
import dev.modelyard.infra.settings.InvalidSettingFailureAnalyzer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** MODELYARD_INSTANCE_ADDRESS and MODELYARD_INSTANCE_PORTS as a worker reads them at start-up. */
class RuntimeSettingsTests {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withInitializer(
              ctx ->
                  new EnvironmentVariablesPropertySource()
                      .postProcessEnvironment(ctx.getEnvironment(), null))
          .withUserConfiguration(Settings.class);

  @Test
  void unsetInstancesListenOnLoopbackAtAnyFreePortAsOnOneMachine() {
    context.run(
        ctx -> {
          RuntimeSettings settings = ctx.getBean(RuntimeSettings.class);
          assertThat(settings.runtime()).isEqualTo(RuntimeSettings.Kind.IN_PROCESS);
          assertThat(settings.instanceNetwork()).isEqualTo(InstanceNetwork.LOOPBACK);
          assertThat(settings.instanceStartTimeout()).isEqualTo(Duration.ofMinutes(10));
        });
  }

  @Test
  void aRunnersStartTimeoutIsBoundAndMustBePositive() {
    context
        .withSystemProperties("MODELYARD_INSTANCE_START_TIMEOUT=20m")
        .run(
            ctx ->
                assertThat(ctx.getBean(RuntimeSettings.class).instanceStartTimeout())
                    .isEqualTo(Duration.ofMinutes(20)));
    assertStartupFails(
        "MODELYARD_INSTANCE_START_TIMEOUT=0s",
        "MODELYARD_INSTANCE_START_TIMEOUT must be positive",
        "PT0S");
  }

  @Test
  void bindsThePodsAddressAndAPortRange() {
    context
        .withSystemProperties(
            "MODELYARD_INSTANCE_ADDRESS=10.42.0.17", "MODELYARD_INSTANCE_PORTS=20000-20999")
        .run(
            ctx -> {
              InstanceNetwork network = ctx.getBean(RuntimeSettings.class).instanceNetwork();
              assertThat(network.ports()).isEqualTo(new PortRange(20000, 20999));
              assertThat(network.endpoint(20001)).isEqualTo(URI.create("http://10.42.0.17:20001"));
            });
  }

  @Test
  void anEmptyVariableMeansTheDefault() {
    context
        .withSystemProperties("MODELYARD_INSTANCE_ADDRESS=", "MODELYARD_INSTANCE_PORTS=")
        .run(
            ctx ->
                assertThat(ctx.getBean(RuntimeSettings.class).instanceNetwork())
                    .isEqualTo(InstanceNetwork.LOOPBACK));
  }

  @Test
  void anAddressThatIsNotAnIpIsReportedNamingTheVariable() {
    assertStartupFails(
        "MODELYARD_INSTANCE_ADDRESS=worker-0.example",
        "MODELYARD_INSTANCE_ADDRESS must be an IP address of this host",
        "'worker-0.example'");
  }

  @Test
  void theWildcardAddressIsRefusedBecauseItIsRegisteredAsTheUrl() {
    assertStartupFails(
        "MODELYARD_INSTANCE_ADDRESS=0.0.0.0",
        "MODELYARD_INSTANCE_ADDRESS must be an address clients can be sent to",
        "'0.0.0.0'");
  }

  @Test
  void aBadPortRangeIsReportedNamingTheVariable() {
    for (String bad : new String[] {"20999-20000", "20000-70000", "high", "20000..20999"}) {
      assertStartupFails(
          "MODELYARD_INSTANCE_PORTS=" + bad,
          "MODELYARD_INSTANCE_PORTS must be first-last within 1-65535",
          "'" + bad + "'");
    }
  }

  @Test
  void eachBadVariableIsNamedEvenWhenTheOtherIsSet() {
    assertStartupFails(
        "MODELYARD_INSTANCE_ADDRESS=pod-ip",
        "MODELYARD_INSTANCE_ADDRESS must be",
        "'pod-ip'",
        "MODELYARD_INSTANCE_PORTS=20000-20999");
    assertStartupFails(
        "MODELYARD_INSTANCE_PORTS=20000-",
        "MODELYARD_INSTANCE_PORTS must be",
        "'20000-'",
        "MODELYARD_INSTANCE_ADDRESS=10.42.0.17");
  }

  /** The one line a worker prints when it refuses to start, and what it says to do. */
  private void assertStartupFails(String variable, String reason, String value, String... others) {
    String[] properties = new String[others.length + 1];
    properties[0] = variable;
    System.arraycopy(others, 0, properties, 1, others.length);
    String name = variable.substring(0, variable.indexOf('='));
    context
        .withSystemProperties(properties)
        .run(
            ctx -> {
              assertThat(ctx).hasFailed();
              FailureAnalysis analysis =
                  new InvalidSettingFailureAnalyzer().analyze(ctx.getStartupFailure());
              assertThat(analysis).as("an analysis of " + variable).isNotNull();
              assertThat(analysis.getDescription())
                  .startsWith(reason)
                  .contains(value)
                  .doesNotContain("\n");
              assertThat(analysis.getAction()).isEqualTo("Fix or unset " + name + ".");
            });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(RuntimeSettings.class)
  static class Settings {}
}
