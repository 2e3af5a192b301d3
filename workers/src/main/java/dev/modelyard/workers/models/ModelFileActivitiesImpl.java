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

public class ModelFileActivitiesImpl implements ModelFileActivities {

  private static final int BUFFER = 1 << 20;

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

  private static Path validPath(String location) {
    if (location == null || location.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("no path given", INVALID_MODEL_FILE);
    }
    Path path = Path.of(location).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ApplicationFailure.newNonRetryableFailure(
          path + " does not exist or is not a readable file", INVALID_MODEL_FILE);
    }
    return path;
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
