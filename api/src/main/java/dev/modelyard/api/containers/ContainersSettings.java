package dev.modelyard.api.containers;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the containers API asks the hosts ({@code modelyard.containers.*}).
 *
 * @param answerTimeout how long a caller waits at most for the hosts' workers to answer (a list, a
 *     container's logs) before a 503 saying they did not
 */
@ConfigurationProperties("modelyard.containers")
record ContainersSettings(@DefaultValue("20s") Duration answerTimeout) {

  ContainersSettings {
    if (answerTimeout.isNegative() || answerTimeout.isZero()) {
      throw new IllegalArgumentException("answerTimeout must be positive, was " + answerTimeout);
    }
  }
}
