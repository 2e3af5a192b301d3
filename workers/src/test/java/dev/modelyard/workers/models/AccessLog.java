package dev.modelyard.workers.models;

import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lines the test mirror's nginx logged since a test began. Workers name their host in the user
 * agent, so a test tells its own downloads from those of tests running beside it.
 */
final class AccessLog {

  private final Path log;
  private final long offset;

  private AccessLog(Path log, long offset) {
    this.log = log;
    this.offset = offset;
  }

  static AccessLog fromNow() {
    Path log = Path.of(TestServices.get("NGINX_ACCESS_LOG"));
    try {
      return new AccessLog(log, Files.size(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Requests for {@code file}'s content made by the worker of {@code hostId}. */
  List<String> requestsFor(String file, String hostId) {
    return linesSince().stream()
        .filter(line -> line.contains("/resolve/main/" + file + " "))
        .filter(line -> line.contains("ua=\"modelyard (host " + hostId + ")\""))
        .toList();
  }

  private List<String> linesSince() {
    try {
      byte[] all = Files.readAllBytes(log);
      // A log that shrank was rotated meanwhile: then all of it is new.
      int from = all.length >= offset ? (int) offset : 0;
      return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
