package dev.modelyard.infra.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NvmlReturnTests {

  @Test
  void mapsTheCodesOfNvmlH() {
    assertThat(NvmlReturn.of(0)).isEqualTo(NvmlReturn.SUCCESS);
    assertThat(NvmlReturn.of(3)).isEqualTo(NvmlReturn.ERROR_NOT_SUPPORTED);
    assertThat(NvmlReturn.of(7)).isEqualTo(NvmlReturn.ERROR_INSUFFICIENT_SIZE);
    assertThat(NvmlReturn.of(9)).isEqualTo(NvmlReturn.ERROR_DRIVER_NOT_LOADED);
    assertThat(NvmlReturn.of(15)).isEqualTo(NvmlReturn.ERROR_GPU_IS_LOST);
    assertThat(NvmlReturn.of(25)).isEqualTo(NvmlReturn.ERROR_ARGUMENT_VERSION_MISMATCH);
    assertThat(NvmlReturn.of(999)).isEqualTo(NvmlReturn.ERROR_UNKNOWN);
  }

  @Test
  void everyCodeMapsBackToItself() {
    for (NvmlReturn value : NvmlReturn.values()) {
      assertThat(NvmlReturn.of(value.code())).isSameAs(value);
    }
  }

  @Test
  void aCodeNewerThanOurListIsUnknownButKeptInTheException() {
    NvmlException e = new NvmlException("nvmlDeviceGetPowerUsage", 42, "Something New");

    assertThat(e.reason()).isEqualTo(NvmlReturn.ERROR_UNKNOWN);
    assertThat(e.code()).isEqualTo(42);
    assertThat(e)
        .hasMessage("nvmlDeviceGetPowerUsage failed: Something New (NVML_ERROR_UNKNOWN, 42)");
  }

  @Test
  void theMessageNamesTheFunctionAndTheSymbol() {
    NvmlException e = new NvmlException("nvmlInit_v2", 9, "Driver Not Loaded");

    assertThat(e.function()).isEqualTo("nvmlInit_v2");
    assertThat(e)
        .hasMessage("nvmlInit_v2 failed: Driver Not Loaded (NVML_ERROR_DRIVER_NOT_LOADED, 9)");
  }

  @Test
  void onlyAMissingFeatureCountsAsUnsupported() {
    assertThat(NvmlReturn.ERROR_NOT_SUPPORTED.meansUnsupported()).isTrue();
    assertThat(NvmlReturn.ERROR_FUNCTION_NOT_FOUND.meansUnsupported()).isTrue();
    assertThat(NvmlReturn.ERROR_GPU_IS_LOST.meansUnsupported()).isFalse();
    assertThat(NvmlReturn.ERROR_NO_PERMISSION.meansUnsupported()).isFalse();
  }
}
