package dev.modelyard.standalone;

import dev.modelyard.infra.temporal.EmbeddedTemporalServer;
import dev.modelyard.infra.temporal.TemporalCliDevServer;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whichever embedded Temporal server this machine can run: the CLI's if installed, else Java's. */
final class EmbeddedTemporal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporal.class);

  private final String target;
  private final AutoCloseable server;

  private EmbeddedTemporal(String target, AutoCloseable server) {
    this.target = target;
    this.server = server;
  }

  static EmbeddedTemporal start(Path dataDir, int port) {
    Optional<Path> cli = TemporalCliDevServer.findCli();
    if (cli.isPresent()) {
      TemporalCliDevServer server = TemporalCliDevServer.start(cli.get(), dataDir, port);
      log.info(
          "Temporal: embedded temporal CLI dev server at {}, state in {} (TEMPORAL_ADDRESS not set,"
              + " {} on PATH); Web UI on port {}",
          server.target(),
          dataDir,
          cli.get(),
          port + 1000);
      return new EmbeddedTemporal(server.target(), server);
    }
    EmbeddedTemporalServer server = EmbeddedTemporalServer.start(port);
    log.info(
        "Temporal: embedded in-process Java server at {} (TEMPORAL_ADDRESS not set, no temporal CLI"
            + " on PATH); running workflows do not survive a restart",
        server.target());
    return new EmbeddedTemporal(server.target(), server);
  }

  String target() {
    return target;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
