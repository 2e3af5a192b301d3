package dev.modelyard.infra.engine;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * An engine runner as a process of its own, for the local-process runtime: a crash, a leak or a
 * {@code kill -9} takes down one instance, never the worker.
 *
 * <p>Arguments: {@code model-path served-name context-length cpu-threads parallel-slots [port]}
 * (without a port it picks a free one; a container runtime on the host's network chooses it).
 * Prints {@code LISTENING <port>} once it serves, and stops cleanly on SIGTERM.
 */
public final class EngineRunnerMain {

  public static final String READY_LINE = "LISTENING ";

  private EngineRunnerMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 5 && args.length != 6) {
      System.err.println(
          "usage: EngineRunnerMain model-path served-name context-length cpu-threads parallel-slots"
              + " [port]");
      System.exit(2);
    }
    EngineOptions options =
        new EngineOptions(
            Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    int port = args.length == 6 ? Integer.parseInt(args[5]) : 0;
    EngineRunner runner =
        EngineRunner.start(args[1], LlamaEngine.load(Path.of(args[0]), options), port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runner.close();
                  stopped.countDown();
                }));
    System.out.println(READY_LINE + runner.endpoint().getPort());
    System.out.flush();
    stopped.await();
  }
}
