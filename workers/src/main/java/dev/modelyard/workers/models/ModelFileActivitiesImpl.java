package dev.modelyard.workers.models;

import dev.modelyard.infra.gguf.GgufFormatException;
import dev.modelyard.infra.gguf.GgufMetadata;
import dev.modelyard.infra.gguf.GgufReader;
import dev.modelyard.workflows.models.ModelFileActivities;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

public class ModelFileActivitiesImpl implements ModelFileActivities {

  private static final int BUFFER = 1 << 20;

  /** The folders files may be registered from; empty for anywhere. */
  private final List<Path> roots;

  /**
   * @param roots the folders whose files may be inspected and registered, the model store among
   *     them; empty for any file this worker can read
   */
  ModelFileActivitiesImpl(List<Path> roots) {
    this.roots = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
  }

  @Override
  public ModelFileFacts inspectLocalFile(String location) {
    Path path = validPath(location);
    try {
      GgufMetadata gguf = GgufReader.read(path);
      long size = Files.size(path);
      return new ModelFileFacts(
          path.toString(),
          size,
          sha256(path, size),
          "gguf",
          gguf.architecture(),
          gguf.parameterCount(),
          gguf.quantisation(),
          gguf.contextLength());
    } catch (GgufFormatException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          path + " is not a usable GGUF file: " + e.getMessage(), INVALID_MODEL_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private Path validPath(String location) {
    if (location == null || location.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("no path given", INVALID_MODEL_FILE);
    }
    Path path = Path.of(location).toAbsolutePath().normalize();
    // Before anything is read of it, even whether it exists: a caller may not probe the host's
    // files outside the roots, also through a link inside a root that leads out of it.
    requireUnderRoots(path, path);
    requireUnderRoots(path, resolvedAsFarAsItExists(path));
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ApplicationFailure.newNonRetryableFailure(
          path + " does not exist or is not a readable file", INVALID_MODEL_FILE);
    }
    return path;
  }

  /** Its deepest existing folder's real path (links resolved), and the rest of it as it is. */
  private static Path resolvedAsFarAsItExists(Path path) {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(path)).normalize();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }

  private void requireUnderRoots(Path named, Path resolved) {
    if (roots.isEmpty() || roots.stream().anyMatch(root -> under(resolved, root))) {
      return;
    }
    throw ApplicationFailure.newNonRetryableFailure(
        named
            + " is outside the folders models may be registered from on this host"
            + " (modelyard.models.local.roots: "
            + roots
            + ")",
        INVALID_MODEL_FILE);
  }

  /** Compared as real paths where the root exists, so that a root given through a link works. */
  private static boolean under(Path path, Path root) {
    Path real = root;
    try {
      real = root.toRealPath();
    } catch (IOException e) {
      // A root that does not exist (yet) holds nothing that could be resolved into it.
    }
    return path.startsWith(root) || path.startsWith(real);
  }

  /** Hashes the file, heartbeating the bytes done so the tasks API can show progress. */
  private static String sha256(Path path, long size) throws IOException {
    MessageDigest digest = newSha256();
    byte[] buffer = new byte[BUFFER];
    long done = 0;
    try (InputStream in = Files.newInputStream(path)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        done += n;
        Activity.getExecutionContext().heartbeat(new TransferProgress(done, size));
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
