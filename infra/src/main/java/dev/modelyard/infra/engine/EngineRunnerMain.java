package dev.modelyard.infra.engine;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * An engine runner as a process of its own, for the local-process runtime: a crash, a leak or a
 * {@code kill -9} takes down one instance, never the worker.
 *
 * <p>Arguments: {@code model-path served-name context-length cpu-threads parallel-slots [ports
 * [address]]}. {@code ports} is one port (a container runtime on the host's network chooses it), a
 * range such as {@code 20000-20999} to take the first free one of, or 0 (the default) for any free
 * port; {@code address} is the IP address to listen on, 127.0.0.1 by default. Prints {@code
 * LISTENING <port>} once it serves, and stops cleanly on SIGTERM, or when the process that {@link
 * #EXIT_WITH} names ends.
 */
public final class EngineRunnerMain {

  public static final String READY_LINE = "LISTENING ";

  /** The system property naming the process (its PID) whose end this runner ends with. */
  public static final String EXIT_WITH = "modelyard.runner.exit-with";

  private EngineRunnerMain() {}

  public static void main(String[] args) throws InterruptedException {
    exitWithTheWorker();
    if (args.length < 5 || args.length > 7) {
      System.err.println(
          "usage: EngineRunnerMain model-path served-name context-length cpu-threads parallel-slots"
              + " [ports [address]]");
      System.exit(2);
    }
    EngineOptions options =
        new EngineOptions(
            Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    PortRange ports = args.length >= 6 ? PortRange.parse(args[5]) : PortRange.ANY;
    InstanceNetwork network =
        args.length == 7
            ? new InstanceNetwork(InetAddress.ofLiteral(args[6]), ports)
            : InstanceNetwork.loopback(ports);
    EngineRunner runner =
        EngineRunner.start(args[1], LlamaEngine.load(Path.of(args[0]), options), network);
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

  /**
   * A worker killed outright (kill -9, out of memory) cannot stop its runners, and the worker that
   * follows knows nothing of them: a runner the worker started ({@link #EXIT_WITH}) ends with it.
   * Watched from the start, as a worker is most likely killed while its runners load.
   */
  private static void exitWithTheWorker() {
    String pid = System.getProperty(EXIT_WITH);
    if (pid == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(pid))
        .ifPresentOrElse(
            worker -> worker.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
  }
}
