package dev.modelyard.infra.postgres;

import dev.modelyard.infra.processes.PidFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * PostgreSQL from zonky's embedded binaries, with its data directory kept between runs so that a
 * restart of Modelyard keeps every record.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  public static EmbeddedPostgresServer start(Path dataDir) {
    // A postmaster left by a launcher killed outright holds the folder's lock: stopped first.
    PidFiles.stopLeftover(dataDir.resolve("postmaster.pid"), "postgres", Duration.ofSeconds(30));
    try {
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
      return new EmbeddedPostgresServer(postgres, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
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
    postgres.close();
  }
}
