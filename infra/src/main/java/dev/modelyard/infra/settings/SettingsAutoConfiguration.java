package dev.modelyard.infra.settings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Binds every settings record, so that a malformed variable stops start-up at once. */
@AutoConfiguration
@EnableConfigurationProperties({
  DatabaseSettings.class,
  RedisSettings.class,
  TemporalSettings.class,
  ProviderSettings.class,
  CloudProviderKeys.class,
  CloudBaseUrls.class,
  SecuritySettings.class,
  RateLimitSettings.class,
  CostSettings.class,
  DockerSettings.class,
  DataDirSettings.class,
  HostSettings.class
})
public class SettingsAutoConfiguration {}
