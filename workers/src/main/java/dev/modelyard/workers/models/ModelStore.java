package dev.modelyard.workers.models;

import dev.modelyard.workflows.models.HuggingFaceFile;
import java.nio.file.Path;

/**
 * Where downloaded models live on this host: {@code $MODELYARD_DATA_DIR/models/<provider>/...}. A
 * download grows in a {@code .partial} file next to its final place, so that moving it into place
 * is an atomic rename on one file system.
 */
final class ModelStore {

  private static final String PARTIAL_SUFFIX = ".partial";

  private final Path root;

  ModelStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** {@code huggingface/<org>/<repo>/<path in repo>}. */
  Path huggingFaceFile(HuggingFaceFile file) {
    return inside(root.resolve("huggingface").resolve(file.repo()).resolve(file.path()));
  }

  static Path partialOf(Path file) {
    return file.resolveSibling(file.getFileName() + PARTIAL_SUFFIX);
  }

  /** A path an activity was handed back, checked to lie in this store. */
  Path inside(String path) {
    return inside(Path.of(path));
  }

  private Path inside(Path path) {
    Path normalised = path.toAbsolutePath().normalize();
    if (!normalised.startsWith(root) || normalised.equals(root)) {
      throw new IllegalArgumentException(path + " is not a file in the model store " + root);
    }
    return normalised;
  }
}
