package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.testing.TestServices;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The in-process runtime cannot keep an instance to its GPUs, and says so rather than nothing. */
class InProcessEngineRuntimeTests {

  private final InProcessEngineRuntime runtime = new InProcessEngineRuntime();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(InProcessEngineRuntime.class);

  @BeforeEach
  void capture() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(logs);
    runtime.close();
  }

  @Test
  void startsInstancesGivenGpusAndWarnsOnceThatItCannotEnforceThem() {
    runtime.start(spec("plain", List.of()));
    assertThat(logs.list).isEmpty();

    runtime.start(spec("on-gpu-0", List.of("0")));
    runtime.start(spec("on-gpu-1", List.of("1")));

    assertThat(runtime.endpoint("on-gpu-0")).isPresent();
    assertThat(runtime.endpoint("on-gpu-1")).isPresent();
    assertThat(logs.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getLevel()).isEqualTo(Level.WARN);
              assertThat(event.getFormattedMessage())
                  .contains("on-gpu-0", "[0]", "cannot keep it to them", "local-process");
            });
  }

  private static InstanceSpec spec(String id, List<String> gpus) {
    return new InstanceSpec(
        id,
        "tiny",
        TestServices.tinyModel(),
        EngineOptions.of(512, 1, 1),
        new InstanceResources(null, gpus),
        null);
  }
}
