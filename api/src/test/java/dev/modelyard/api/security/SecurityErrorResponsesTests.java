package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AuthenticationServiceException;

/** Credentials that cannot be checked during an outage: a 503 each, and a warning a minute. */
class SecurityErrorResponsesTests {

  private final AtomicLong nanos = new AtomicLong();
  private final SecurityErrorResponses errors = new SecurityErrorResponses(nanos::get);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SecurityErrorResponses.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  @Test
  void anOutageIsWarnedOfOnceAMinuteWithTheCountRefusedSince() throws Exception {
    for (int i = 0; i < 3; i++) {
      MockHttpServletResponse response = refuse();
      assertThat(response.getStatus()).isEqualTo(503);
      assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    }
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    refuse();
    assertThat(warnings()).hasSize(1);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    refuse();

    assertThat(warnings())
        .containsExactly(
            "callers cannot be authenticated now (1 refused with 503 since the last warning; the"
                + " next warning in 60 s at the earliest)",
            "callers cannot be authenticated now (4 refused with 503 since the last warning; the"
                + " next warning in 60 s at the earliest)");
  }

  private MockHttpServletResponse refuse() throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    errors.failed(
        new MockHttpServletRequest("GET", "/api/v1/local-llm/models"),
        response,
        new AuthenticationServiceException("API keys cannot be read now"));
    return response;
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(event -> event.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
