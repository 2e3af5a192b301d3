package dev.modelyard.infra.settings;

import java.util.Arrays;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns a value that does not bind into one line naming the environment variable, the value and
 * what was expected, instead of a page about property sources.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    String reason = deepest(cause).getMessage();
    if (cause.getProperty() != null) {
      Optional<EnvironmentVariable> variable =
          EnvironmentVariable.forProperty(cause.getProperty().getName().toString());
      if (variable.isPresent()) {
        // A value that does not convert: name the variable, its value and what it should be.
        String line =
            variable.get().name()
                + (variable.get().secret() ? "" : "='" + cause.getProperty().getValue() + "'")
                + " is not valid: expected "
                + variable.get().expected();
        return new FailureAnalysis(line, "Fix or unset " + variable.get().name() + ".", cause);
      }
    }
    // A settings record rejected the value; its message already names the variable.
    return mentioned(reason)
        .map(v -> new FailureAnalysis(reason, "Fix or unset " + v.name() + ".", cause))
        .orElse(null);
  }

  private static Optional<EnvironmentVariable> mentioned(String message) {
    return message == null
        ? Optional.empty()
        : Arrays.stream(EnvironmentVariable.values())
            .filter(v -> message.startsWith(v.name() + " "))
            .findFirst();
  }

  private static Throwable deepest(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
