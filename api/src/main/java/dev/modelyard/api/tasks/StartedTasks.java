package dev.modelyard.api.tasks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import org.springframework.stereotype.Component;

/**
 * The task IDs this process started, newest last. Only for Temporal's in-process server, which
 * cannot list workflows: it lives and dies with this process, and so does this memory.
 */
@Component
public class StartedTasks {

  private static final int CAPACITY = 1_000;

  private final SequencedSet<String> ids = new LinkedHashSet<>();

  public synchronized void add(String taskId) {
    ids.remove(taskId);
    ids.addLast(taskId);
    if (ids.size() > CAPACITY) {
      ids.removeFirst();
    }
  }

  synchronized List<String> newestFirst() {
    return new ArrayList<>(ids.reversed());
  }
}
