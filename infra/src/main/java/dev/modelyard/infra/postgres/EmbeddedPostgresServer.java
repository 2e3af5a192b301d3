package dev.modelyard.infra.postgres;

import dev.modelyard.infra.processes.PidFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * PostgreSQL from zonky's embedded binaries, with its data directory kept between runs so that a
 * restart of Modelyard keeps every record.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final FileLock folder;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, FileLock folder) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.folder = folder;
  }

  /**
   * @throws IllegalStateException when another running Modelyard uses {@code dataDir}
   */
  public static EmbeddedPostgresServer start(Path dataDir) {
    FileLock folder = PidFiles.lockFolder(dataDir, "PostgreSQL");
    try {
      // A postmaster left by a launcher killed outright holds PostgreSQL's own lock: stopped first.
      PidFiles.stopLeftover(
          dataDir.resolve("postmaster.pid"), "postgres", dataDir, Duration.ofSeconds(30));
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(
                  dataDir.getParent().resolve("postgres-binaries").toFile())
              .setServerConfig("listen_addresses", "127.0.0.1")
              // Spring closes it after everything that uses it; zonky's own hook would go first.
              .setRegisterShutdownHook(false)
              .start();
      return new EmbeddedPostgresServer(postgres, dataDir, folder);
    } catch (IOException | RuntimeException e) {
      PidFiles.release(folder);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UncheckedIOException(
          "cannot start embedded PostgreSQL in " + dataDir, (IOException) e);
    }
  }

  public DatabaseEndpoint endpoint() {
    return new DatabaseEndpoint(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null);
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      PidFiles.release(folder);
    }
  }
}
