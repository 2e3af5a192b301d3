package dev.modelyard.infra.settings;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** MODELYARD_DATA_DIR: where embedded services and the model store keep their files. */
@ConfigurationProperties("modelyard")
public record DataDirSettings(Path dataDir) {

  public DataDirSettings {
    dataDir =
        dataDir == null
            ? Path.of(System.getProperty("user.home"), ".modelyard")
            : dataDir.toAbsolutePath();
  }

  public Path modelStore() {
    return dataDir.resolve("models");
  }
}
