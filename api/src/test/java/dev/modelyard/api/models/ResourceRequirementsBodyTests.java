package dev.modelyard.api.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.api.errors.InvalidFieldException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GPU names as placement compares them, whatever way a caller wrote them. */
class ResourceRequirementsBodyTests {

  private static final String UUID = "a1111111-1111-1111-1111-11111111111b";

  @Test
  void gpusAreNamedAsPlacementNamesThem() {
    List<String> ids =
        gpus("01", "GPU-" + UUID.toUpperCase(), "gpu-" + UUID.replace('a', 'c'), "3")
            .toRequirements()
            .gpuDeviceIds();

    assertThat(ids)
        .containsExactly("1", "GPU-" + UUID.toLowerCase(), "GPU-" + UUID.replace('a', 'c'), "3");
  }

  @Test
  void aGpuNamedTwiceInTwoSpellingsIsRefused() {
    assertThatThrownBy(() -> gpus("0", "00").toRequirements())
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> assertThat(e.field()).isEqualTo("resource_requirements.gpu_device_ids[1]"));
  }

  @Test
  void aMigInstanceIsRefusedNamingTheField() {
    assertThatThrownBy(() -> gpus("MIG-" + UUID).toRequirements())
        .isInstanceOfSatisfying(
            InvalidFieldException.class,
            e -> {
              assertThat(e.field()).isEqualTo("resource_requirements.gpu_device_ids[0]");
              assertThat(e.getMessage()).contains("whole GPUs");
            });
  }

  private static ResourceRequirementsBody gpus(String... ids) {
    return new ResourceRequirementsBody(null, null, null, null, List.of(ids));
  }
}
