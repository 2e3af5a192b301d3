package dev.modelyard.apistubs;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API's paths, limited and not, answering at once and counting the requests that got in. Kept
 * outside {@code dev.modelyard.api} so that the API's component scan never finds it beside the real
 * controllers.
 */
@RestController
public class StubEndpoints {

  public final AtomicInteger served = new AtomicInteger();

  @PostMapping({"/v1/chat/completions", "/api/v1/local-llm/generate"})
  public String generate() {
    served.incrementAndGet();
    return "{}";
  }

  @GetMapping({"/v1/models", "/api/v1/local-llm/tasks/active", "/actuator/health"})
  public String read() {
    served.incrementAndGet();
    return "{}";
  }
}
