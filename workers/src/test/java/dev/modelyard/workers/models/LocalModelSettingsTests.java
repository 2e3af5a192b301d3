package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class LocalModelSettingsTests {

  @Test
  void rootsBindFromACommaSeparatedEnvironmentVariable() {
    LocalModelSettings settings =
        bind(Map.of("MODELYARD_MODELS_LOCAL_ROOTS", "/srv/models,/data/gguf"));

    assertThat(settings.roots()).containsExactly(Path.of("/srv/models"), Path.of("/data/gguf"));
  }

  @Test
  void noRootsByDefault() {
    assertThat(bind(Map.of()).roots()).isEmpty();
  }

  @Test
  void aRelativeRootIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> bind(Map.of("MODELYARD_MODELS_LOCAL_ROOTS", "models")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("modelyard.models.local.roots must be absolute paths, was models");
  }

  private static LocalModelSettings bind(Map<String, Object> environment) {
    MutablePropertySources sources = new MutablePropertySources();
    sources.addFirst(new SystemEnvironmentPropertySource("env", environment));
    return new Binder(ConfigurationPropertySources.from(sources))
        .bindOrCreate("modelyard.models.local", LocalModelSettings.class);
  }
}
