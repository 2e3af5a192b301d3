package dev.modelyard.infra.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** OPENAI_API_KEY, ANTHROPIC_API_KEY and GOOGLE_API_KEY; each optional, none with a default. */
@ConfigurationProperties("modelyard.cloud")
public record CloudProviderKeys(Secret openaiApiKey, Secret anthropicApiKey, Secret googleApiKey) {}
