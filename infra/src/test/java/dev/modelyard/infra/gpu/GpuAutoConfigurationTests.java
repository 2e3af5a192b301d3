package dev.modelyard.infra.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class GpuAutoConfigurationTests {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(GpuAutoConfiguration.class));

  @Test
  void startsWithAnInventoryWhetherOrNotTheHostHasAGpu() {
    context.run(
        ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(GpuInventory.class);
          assertThat(ctx.getBean(GpuInventory.class).status()).isNotBlank();
        });
  }

  @Test
  void backsOffForAnInventoryTheApplicationDefines() {
    GpuInventory own = new NoGpuInventory("provided by the application");

    context
        .withBean(GpuInventory.class, () -> own)
        .run(ctx -> assertThat(ctx.getBean(GpuInventory.class)).isSameAs(own));
  }
}
