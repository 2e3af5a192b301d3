package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where local providers listen: OLLAMA_HOST, HF_LOCAL_HOST (a TGI server) and HF_ENDPOINT. */
@ConfigurationProperties("modelyard.providers")
public record ProviderSettings(URI ollamaHost, URI hfLocalHost, URI hfEndpoint) {}
