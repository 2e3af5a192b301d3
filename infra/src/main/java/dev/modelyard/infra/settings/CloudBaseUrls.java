package dev.modelyard.infra.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where each cloud provider's API is, when not at its public address: a regional endpoint, a
 * company proxy, or a local server replaying recorded answers in tests. Each null means the real
 * one.
 */
@ConfigurationProperties("modelyard.cloud-endpoints")
public record CloudBaseUrls(URI openai, URI anthropic, URI google) {}
