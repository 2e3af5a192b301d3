package dev.modelyard.workflows;

/**
 * Every task queue Modelyard uses. Each kind of work has its own queue so that its worker pool can
 * be sized for it: pulls are long and I/O bound, runtime operations are short but touch model
 * servers, health checks are tiny and frequent, maintenance can wait.
 */
public final class TaskQueues {

  public static final String PULLS = "modelyard-pulls";
  public static final String RUNTIME = "modelyard-runtime";
  public static final String HEALTH = "modelyard-health";
  public static final String MAINTENANCE = "modelyard-maintenance";

  private static final String HOST_PREFIX = "modelyard-host-";
  private static final String TRANSFERS_PREFIX = "modelyard-transfers-";
  private static final String STOPS_PREFIX = "modelyard-stops-";

  private TaskQueues() {}

  /** The queue of activities that must run on the machine holding a model's files or process. */
  public static String host(String hostId) {
    if (hostId == null || hostId.isBlank()) {
      throw new IllegalArgumentException("hostId must not be blank");
    }
    return HOST_PREFIX + hostId;
  }

  /**
   * The queue of one host's downloads (Hugging Face files, Ollama pulls): apart from {@link #host},
   * so that transfers of hours neither hold the slots that instance starts need nor fail while they
   * wait their turn behind each other.
   */
  public static String transfers(String hostId) {
    return TRANSFERS_PREFIX + host(hostId).substring(HOST_PREFIX.length());
  }

  /**
   * The queue of one host's instance stops: apart from {@link #host}, so that a stop never waits
   * for a slot behind starts of many minutes, and is not taken for a host that is gone when it has
   * waited too long for one.
   */
  public static String stops(String hostId) {
    return STOPS_PREFIX + host(hostId).substring(HOST_PREFIX.length());
  }
}
