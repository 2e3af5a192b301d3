package dev.modelyard.workers.models;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where {@code local_gguf} models may be registered from ({@code modelyard.models.local.*}).
 *
 * @param roots the folders whose files may be registered (the model store always may); empty for
 *     any file this worker can read
 */
@ConfigurationProperties("modelyard.models.local")
public record LocalModelSettings(List<Path> roots) {

  public LocalModelSettings {
    roots = roots == null ? List.of() : List.copyOf(roots);
    for (Path root : roots) {
      if (!root.isAbsolute()) {
        throw new IllegalArgumentException(
            "modelyard.models.local.roots must be absolute paths, was " + root);
      }
    }
  }
}
