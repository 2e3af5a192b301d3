package dev.modelyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A newcomer's first start on embedded defaults: one admin key, printed once on the console, that
 * works at once; only its hash is stored, so a restart prints nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstAdminKeyTests {

  private static final Pattern PRINTED = Pattern.compile("(?m)^Admin API key: (my-\\S+)$");

  @Test
  void theFirstStartPrintsAWorkingAdminKeyOnceAndARestartPrintsNone(
      @TempDir Path dataDir, CapturedOutput output) throws Exception {
    String key;
    try (RunningModelyard modelyard = RunningModelyard.startWithoutAdminKey(dataDir)) {
      List<String> printed = printedKeys(output.getOut());
      assertThat(printed).hasSize(1);
      key = printed.getFirst();

      HttpResponse<String> keys =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(modelyard.base().resolve("/api/v1/local-llm/keys"))
                      .header("Authorization", "Bearer " + key)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(keys.statusCode()).as(keys.body()).isEqualTo(200);
      assertThat(keys.body()).contains("\"first admin key\"", "\"admin\"").doesNotContain(key);
    }
    assertThat(output.getAll().split(Pattern.quote(key), -1))
        .as("the key appears once, on its own line, and in no log line")
        .hasSize(2);
    assertThat(output.getAll())
        .as("the key was made before the check for one ran")
        .doesNotContain("no API key may administer");

    try (RunningModelyard restarted = RunningModelyard.startWithoutAdminKey(dataDir)) {
      assertThat(printedKeys(output.getOut())).containsExactly(key);
    }
  }

  private static List<String> printedKeys(String out) {
    Matcher matcher = PRINTED.matcher(out);
    return matcher.results().map(result -> result.group(1)).toList();
  }
}
