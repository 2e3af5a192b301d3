package dev.modelyard.infra.engine;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TCP ports a model instance may listen on. {@link #ANY} lets the system pick a free ephemeral
 * port, which is enough on one machine; a fixed range is what a firewall or a Kubernetes
 * NetworkPolicy can name.
 *
 * @param first the lowest port, or 0 for {@link #ANY}
 * @param last the highest port, or 0 for {@link #ANY}
 */
public record PortRange(int first, int last) {

  public static final PortRange ANY = new PortRange(0, 0);

  public PortRange {
    boolean any = first == 0 && last == 0;
    if (!any && (first < 1 || last > 65_535 || first > last)) {
      throw new IllegalArgumentException(
          "a port range must be first-last within 1-65535, first <= last, was "
              + first
              + "-"
              + last);
    }
  }

  /** One port, or {@link #ANY} for 0. */
  public static PortRange single(int port) {
    return port == 0 ? ANY : new PortRange(port, port);
  }

  /** Reads {@code 20000-20999}, a single port such as {@code 8080}, or {@code 0} for any. */
  public static PortRange parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    int dash = trimmed.indexOf('-');
    try {
      return dash < 0
          ? single(Integer.parseInt(trimmed))
          : new PortRange(
              Integer.parseInt(trimmed.substring(0, dash).strip()),
              Integer.parseInt(trimmed.substring(dash + 1).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a port range must be first-last such as 20000-20999, was '" + text + "'");
    }
  }

  public boolean isAny() {
    return first == 0;
  }

  public boolean contains(int port) {
    return isAny() ? port > 0 : port >= first && port <= last;
  }

  /**
   * Binds the first free port of the range, trying them from a random one on: concurrent starts
   * that probe before they bind (a container's port is chosen before it starts) then rarely pick
   * the same one. A port taken in the meantime is skipped; any other failure ends the search.
   */
  public <T> T bind(PortBinding<T> binding) throws IOException {
    if (isAny()) {
      return binding.bind(0);
    }
    int size = last - first + 1;
    int start = ThreadLocalRandom.current().nextInt(size);
    BindException lastFailure = null;
    for (int i = 0; i < size; i++) {
      try {
        return binding.bind(first + (start + i) % size);
      } catch (BindException taken) {
        lastFailure = taken;
      }
    }
    BindException none =
        new BindException(
            "no port of " + this + " could be bound (last: " + lastFailure.getMessage() + ")");
    none.initCause(lastFailure);
    throw none;
  }

  /** As the engine runner takes it on its command line: {@code 0}, {@code 8080} or a range. */
  @Override
  public String toString() {
    return first == last ? Integer.toString(first) : first + "-" + last;
  }

  /** Opens something on one port; a {@link BindException} means the port is taken. */
  @FunctionalInterface
  public interface PortBinding<T> {
    T bind(int port) throws IOException;
  }
}
