package dev.modelyard.infra.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostSettingsTests {

  @Test
  void aKubernetesNodeNameLongerThanOneDnsLabelIsAHostId() {
    // Node names are DNS subdomains: up to 253 characters, in labels of up to 63.
    String node =
        "ip-10-0-123-45." + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".local";

    assertThat(node).hasSizeGreaterThan(200);
    assertThat(new HostSettings(node).hostId()).isEqualTo(node);
    assertThat(new HostSettings("x".repeat(253)).hostId()).hasSize(253);
  }

  @Test
  void aHostIdThatCannotBeADnsNameIsRefusedWithWhatWasGiven() {
    assertThatThrownBy(() -> new HostSettings("x".repeat(254)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 253 characters");
    assertThatThrownBy(() -> new HostSettings("gpu_box"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'gpu_box'");
    assertThatThrownBy(() -> new HostSettings("-leading-dash"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutAHostIdTheMachinesOwnNameIsTaken() {
    assertThat(new HostSettings(null).hostId()).isNotBlank();
  }
}
