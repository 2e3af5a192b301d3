package dev.modelyard.workers.deployments;

import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.workflows.deployments.EndpointActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.util.List;

public class EndpointActivitiesImpl implements EndpointActivities {

  private final OpenAiCompatibleClient client;

  public EndpointActivitiesImpl(OpenAiCompatibleClient client) {
    this.client = client;
  }

  @Override
  public void probeEndpoint(String baseUrl, String modelName) {
    try {
      ChatCompletionResponse answer =
          client.chat(
              URI.create(baseUrl),
              new ChatCompletionRequest(
                  modelName, List.of(new ChatMessage("user", "ping")), 1, 0.0, 1, false));
      if (answer.choices() == null || answer.choices().isEmpty()) {
        throw ApplicationFailure.newFailure(baseUrl + " answered without a choice", "ProbeFailed");
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          baseUrl + " did not answer a generation for " + modelName + ": " + e.getMessage(),
          "ProbeFailed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while probing " + baseUrl, "ProbeFailed");
    }
  }
}
