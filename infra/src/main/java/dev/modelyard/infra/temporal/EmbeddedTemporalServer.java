package dev.modelyard.infra.temporal;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's in-process Java server, bound to loopback only and running in real time. It keeps
 * workflow state in memory, so a restart forgets running workflows (the registry in PostgreSQL
 * stays); the temporal CLI's dev server is preferred when it is installed.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {

  private final TestServicesStarter services;
  private final Server server;

  private EmbeddedTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  public static EmbeddedTemporalServer start(int port) {
    // Time skipping locked: this server runs workflows in real time, as production does.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new EmbeddedTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(
          "cannot start the embedded Temporal server on port " + port, e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    server.awaitTermination(5, TimeUnit.SECONDS);
    services.close();
  }
}
