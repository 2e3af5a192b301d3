package dev.modelyard.infra.containers;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host folder or file bound into a container, as {@code docker run -v source:target[:ro]}.
 *
 * @param source an absolute path on the Docker host
 * @param target an absolute path inside the container
 */
public record ContainerMount(Path source, String target, boolean readOnly) {

  public ContainerMount {
    Objects.requireNonNull(source, "source");
    if (!source.isAbsolute()) {
      throw new IllegalArgumentException("mount source must be an absolute path, was " + source);
    }
    if (target == null || !target.startsWith("/")) {
      throw new IllegalArgumentException("mount target must be an absolute path, was " + target);
    }
  }

  public static ContainerMount readOnly(Path source, String target) {
    return new ContainerMount(source, target, true);
  }
}
