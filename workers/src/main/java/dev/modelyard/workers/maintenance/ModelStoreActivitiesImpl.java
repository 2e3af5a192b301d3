package dev.modelyard.workers.maintenance;

import dev.modelyard.infra.gguf.GgufMetadata;
import dev.modelyard.infra.gguf.GgufReader;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.maintenance.ModelEntry;
import dev.modelyard.workflows.maintenance.ModelStoreActivities;
import dev.modelyard.workflows.maintenance.PartialFile;
import dev.modelyard.workflows.maintenance.ProviderReport;
import dev.modelyard.workflows.models.HuggingFaceFile;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads and tidies this host's model store. Its layout is the one downloads use: {@code
 * huggingface/<org>/<repo>/<path in repo>}, growing in a {@code .partial} file beside its final
 * place. Discovery reads sizes and GGUF headers only: hashing gigabytes every few minutes would
 * cost more than it tells, so a discovered file has no SHA-256 until it is pulled.
 */
class ModelStoreActivitiesImpl implements ModelStoreActivities {

  static final String PARTIAL_SUFFIX = ".partial";
  private static final String GGUF_SUFFIX = ".gguf";
  private static final String HUGGING_FACE = "huggingface";

  private final Path root;
  private final String hostId;
  private final Clock clock;

  ModelStoreActivitiesImpl(Path root, String hostId, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.hostId = hostId;
    this.clock = clock;
  }

  @Override
  public ProviderReport reportModelStoreFiles() {
    String source = "model-store@" + hostId;
    List<ModelEntry> models = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path file : files(name -> name.endsWith(GGUF_SUFFIX))) {
      try {
        GgufMetadata gguf = GgufReader.read(file);
        ModelRef model = modelOf(file);
        models.add(
            new ModelEntry(
                model.provider().wireName(),
                model.name(),
                hostId,
                file.toString(),
                "gguf",
                gguf.architecture(),
                gguf.parameterCount() > 0 ? gguf.parameterCount() : null,
                gguf.quantisation(),
                gguf.contextLength() > 0 ? gguf.contextLength() : null,
                Files.size(file),
                null));
      } catch (IOException | RuntimeException e) {
        // One bad file must not hide the others.
        unreadable.add(root.relativize(file) + " (" + e.getMessage() + ")");
      }
    }
    String problem = unreadable.isEmpty() ? null : "unreadable GGUF files: " + unreadable;
    return new ProviderReport(source, true, models, List.of(), problem);
  }

  @Override
  public List<PartialFile> listPartialFiles() {
    List<PartialFile> partials = new ArrayList<>();
    for (Path file : files(name -> name.endsWith(PARTIAL_SUFFIX))) {
      try {
        partials.add(
            new PartialFile(
                file.toString(),
                Files.size(file),
                Files.getLastModifiedTime(file).toMillis(),
                pullOf(file)));
      } catch (NoSuchFileException e) {
        // Finished or discarded while we looked: nothing to clean up.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return partials;
  }

  @Override
  public List<String> deletePartialFiles(List<String> paths, Duration olderThan) {
    long cutoff = clock.millis() - olderThan.toMillis();
    List<String> deleted = new ArrayList<>();
    for (String given : paths) {
      Path file = Path.of(given).toAbsolutePath().normalize();
      // Only partial downloads inside this store, whatever a caller asks.
      if (!file.startsWith(root) || !file.getFileName().toString().endsWith(PARTIAL_SUFFIX)) {
        continue;
      }
      try {
        if (Files.getLastModifiedTime(file).toMillis() < cutoff && Files.deleteIfExists(file)) {
          deleted.add(given);
        }
      } catch (NoSuchFileException e) {
        // Gone already.
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return deleted;
  }

  /** A file under {@code huggingface/} is the model its download named; any other is local. */
  private ModelRef modelOf(Path file) {
    Path relative = root.relativize(file);
    if (relative.getNameCount() >= 4 && relative.getName(0).toString().equals(HUGGING_FACE)) {
      String name = relative.subpath(1, relative.getNameCount()).toString().replace('\\', '/');
      try {
        HuggingFaceFile.parse(name);
        return new ModelRef(Provider.HUGGINGFACE, name);
      } catch (IllegalArgumentException e) {
        // Not a name a download could have written: a file someone put there.
      }
    }
    return new ModelRef(Provider.LOCAL_GGUF, relative.toString().replace('\\', '/'));
  }

  /** The ID of the pull that downloads into this partial file, or null when none could. */
  private String pullOf(Path partial) {
    String name = partial.getFileName().toString();
    Path complete =
        partial.resolveSibling(name.substring(0, name.length() - PARTIAL_SUFFIX.length()));
    ModelRef model = modelOf(complete);
    return model.provider() == Provider.HUGGINGFACE ? WorkflowIds.pull(model) : null;
  }

  private List<Path> files(java.util.function.Predicate<String> nameMatches) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> nameMatches.test(f.getFileName().toString().toLowerCase(Locale.ROOT)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model store " + root, e);
    }
  }
}
