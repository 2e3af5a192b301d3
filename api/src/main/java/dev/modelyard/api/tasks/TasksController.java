package dev.modelyard.api.tasks;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tasks are lifecycle workflows; their IDs are Temporal workflow IDs. */
@RestController
@RequestMapping("/api/v1/local-llm/tasks")
class TasksController {

  private final TaskQueries tasks;

  TasksController(TaskQueries tasks) {
    this.tasks = tasks;
  }

  @GetMapping("/active")
  ActiveTasks active() {
    return tasks.active();
  }

  @GetMapping("/{taskId}")
  TaskStatus task(@PathVariable String taskId) {
    return tasks.describe(taskId);
  }

  @DeleteMapping("/{taskId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskStatus cancel(@PathVariable String taskId) {
    tasks.cancel(taskId);
    return tasks.describe(taskId);
  }

  /**
   * @param truncated whether more tasks run than were listed (the newest are)
   */
  record ActiveTasks(List<TaskStatus> tasks, boolean truncated) {}
}
