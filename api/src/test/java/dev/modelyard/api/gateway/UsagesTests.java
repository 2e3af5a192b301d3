package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.costs.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsagesTests {

  @Test
  void readsUsageAfterTheChoicesOfAnAnswer() {
    String answer =
        """
        {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"{\\"usage\\":1}"}}],
         "usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}
        """;

    assertThat(Usages.ofBody(bytes(answer))).isEqualTo(new Usage(12, 7));
  }

  @Test
  void anAnswerWithoutUsageOrNotJsonCountsNothing() {
    assertThat(Usages.ofBody(bytes("{\"choices\":[],\"usage\":null}"))).isEqualTo(Usages.NONE);
    assertThat(Usages.ofBody(bytes("{\"choices\":[]}"))).isEqualTo(Usages.NONE);
    assertThat(Usages.ofBody(bytes("[1,2]"))).isEqualTo(Usages.NONE);
    assertThat(Usages.ofBody(bytes("{\"choices\":[tru"))).isEqualTo(Usages.NONE);
  }

  @Test
  void readsUsageFromAStreamsLastChunk() {
    List<String> events =
        List.of(
            "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}");

    assertThat(Usages.ofEvents(events)).isEqualTo(new Usage(3, 1));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
