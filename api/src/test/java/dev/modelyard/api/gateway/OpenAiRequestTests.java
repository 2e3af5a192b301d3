package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class OpenAiRequestTests {

  @Test
  void aPromptInContentPartsCountsItsTextAndIdentifiesItsPrefix() {
    String words = "a long question about one thing ".repeat(100);
    OpenAiRequest parts =
        chat(
            """
            {"messages":[
              {"role":"system","content":[{"type":"text","text":"You answer tersely."}]},
              {"role":"user","content":[{"type":"text","text":"%s"},
                                        {"type":"image_url","image_url":{"url":"data:,"}}]}]}"""
                .formatted(words));
    OpenAiRequest plain =
        chat(
            """
            {"messages":[
              {"role":"system","content":"You answer tersely."},
              {"role":"user","content":"%s"}]}"""
                .formatted(words));
    OpenAiRequest otherSystem =
        chat(
            """
            {"messages":[
              {"role":"system","content":[{"type":"text","text":"You answer at length."}]},
              {"role":"user","content":[{"type":"text","text":"%s"}]}]}"""
                .formatted(words));

    assertThat(parts.estimatedPromptTokens())
        .isEqualTo(plain.estimatedPromptTokens())
        .isGreaterThan(800);
    assertThat(parts.prefix()).isEqualTo(plain.prefix()).isNotEqualTo(otherSystem.prefix());
  }

  private static OpenAiRequest chat(String json) {
    return OpenAiRequest.chat((ObjectNode) OpenAiJson.MAPPER.readTree(json), false);
  }
}
