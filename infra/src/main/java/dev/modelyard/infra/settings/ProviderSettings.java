package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where local providers listen: OLLAMA_HOST, HF_LOCAL_HOST (a TGI server) and HF_ENDPOINT. */
@ConfigurationProperties("modelyard.providers")
public record ProviderSettings(URI ollamaHost, URI hfLocalHost, URI hfEndpoint) {

  public ProviderSettings {
    ollamaHost = withScheme(ollamaHost);
    hfLocalHost = withScheme(hfLocalHost);
  }

  /** Ollama's own clients accept {@code host:port} without a scheme, so we do too. */
  private static URI withScheme(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return uri == null ? null : URI.create("http://" + uri);
    }
    return uri;
  }
}
