package dev.modelyard.workers.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.modelyard.workflows.maintenance.CleanupPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MaintenanceSettingsTests {

  @Test
  void unsetValuesTakeTheDefaults() {
    MaintenanceSettings settings = settings(null, null, null);

    assertThat(settings.discoverySchedule()).isEqualTo("*/5 * * * *");
    assertThat(settings.policy()).isEqualTo(CleanupPolicy.DEFAULTS);
    assertThat(settings.policy().auditRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.discoveryWorkflowId()).isEqualTo("discovery");
    assertThat(settings.cleanupWorkflowId()).isEqualTo("cleanup");
  }

  @Test
  void aDeploymentNamesItsWorkflows() {
    MaintenanceSettings settings = settings("blue", null, null);

    assertThat(settings.discoveryWorkflowId()).isEqualTo("discovery:blue");
    assertThat(settings.cleanupWorkflowId()).isEqualTo("cleanup:blue");
  }

  @Test
  void aBadScheduleIsRefusedNamingTheSetting() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> settings(null, "every five minutes", null))
        .withMessageContaining("modelyard.maintenance.discovery-schedule");
  }

  @Test
  void aNonPositiveDurationIsRefusedNamingTheSettingAndValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> settings(null, null, Duration.ZERO))
        .withMessageContaining("modelyard.maintenance.idle-ttl")
        .withMessageContaining("PT0S");
  }

  @Test
  void costRecordsAreKeptLongEnoughForTheMonthsLimit() {
    assertThat(settings(null, null, null).policy().costRetention()).isEqualTo(Duration.ofDays(400));
    assertThat(settings(null, null, null).policy().historyRetention())
        .isEqualTo(Duration.ofDays(90));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> settings(null, null, null, Duration.ofDays(7)))
        .withMessageContaining("modelyard.maintenance.cost-retention")
        .withMessageContaining("PT168H");
  }

  private static MaintenanceSettings settings(
      String deployment, String discoverySchedule, Duration idleTtl) {
    return settings(deployment, discoverySchedule, idleTtl, null);
  }

  private static MaintenanceSettings settings(
      String deployment, String discoverySchedule, Duration idleTtl, Duration costRetention) {
    return new MaintenanceSettings(
        true,
        deployment,
        discoverySchedule,
        null,
        idleTtl,
        null,
        null,
        null,
        null,
        costRetention,
        null,
        null);
  }
}
