package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.cloud.anthropic.AnthropicProvider;
import dev.modelyard.infra.providers.cloud.google.GoogleProvider;
import dev.modelyard.infra.providers.cloud.openai.OpenAiProvider;
import dev.modelyard.infra.settings.CloudBaseUrls;
import dev.modelyard.infra.settings.CloudProviderKeys;
import dev.modelyard.infra.settings.Secret;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cloud providers whose key is set, built once at start-up; a provider without a key does not
 * exist, so nothing on the request path asks the environment again.
 */
public final class CloudProviders {

  private final List<CloudProvider> providers;

  private CloudProviders(List<CloudProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  /** The providers at their real addresses, in fallback order: OpenAI, Anthropic, Google. */
  public static CloudProviders from(CloudProviderKeys keys, Clock clock) {
    return from(keys, new CloudBaseUrls(null, null, null), clock);
  }

  /** The providers at the given addresses (each null: the real one). */
  public static CloudProviders from(CloudProviderKeys keys, CloudBaseUrls urls, Clock clock) {
    List<CloudProvider> providers = new ArrayList<>();
    settings(or(urls.openai(), OpenAiProvider.DEFAULT_BASE_URI), keys.openaiApiKey())
        .ifPresent(s -> providers.add(new OpenAiProvider(s)));
    settings(or(urls.anthropic(), AnthropicProvider.DEFAULT_BASE_URI), keys.anthropicApiKey())
        .ifPresent(s -> providers.add(new AnthropicProvider(s, clock)));
    settings(or(urls.google(), GoogleProvider.DEFAULT_BASE_URI), keys.googleApiKey())
        .ifPresent(s -> providers.add(new GoogleProvider(s, clock)));
    return new CloudProviders(providers);
  }

  private static URI or(URI configured, URI real) {
    return configured != null ? configured : real;
  }

  public static CloudProviders of(List<CloudProvider> providers) {
    return new CloudProviders(providers);
  }

  public List<CloudProvider> all() {
    return providers;
  }

  public Optional<CloudProvider> named(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public boolean isEmpty() {
    return providers.isEmpty();
  }

  private static Optional<CloudProviderSettings> settings(URI baseUri, Secret key) {
    // Secret.ofNullable already turns a blank variable into null; a blank Secret is no key either.
    return key == null || key.value() == null || key.value().isBlank()
        ? Optional.empty()
        : Optional.of(CloudProviderSettings.of(baseUri, key));
  }
}
