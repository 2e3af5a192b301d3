package dev.modelyard.infra.settings;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Feeds each set environment variable of {@link EnvironmentVariable} into its typed property. It
 * sits last, so that an explicit property (a test's, say) wins, and it skips empty values, so that
 * {@code FOO=} means "unset" as it does for most tools.
 */
public class EnvironmentVariablesPropertySource implements EnvironmentPostProcessor {

  static final String NAME = "modelyardEnvironmentVariables";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (EnvironmentVariable variable : EnvironmentVariable.values()) {
      String value = environment.getProperty(variable.name());
      if (value != null && !value.isBlank()) {
        properties.put(variable.property(), variable.normalise(value.trim()));
      }
    }
    environment.getPropertySources().addLast(new MapPropertySource(NAME, properties));
  }
}
