package dev.modelyard.api.tasks;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/local-llm/tasks")
class TasksController {

  private final TaskQueries tasks;

  TasksController(TaskQueries tasks) {
    this.tasks = tasks;
  }

  @GetMapping("/{taskId}")
  TaskStatus task(@PathVariable String taskId) {
    return tasks.describe(taskId);
  }
}
