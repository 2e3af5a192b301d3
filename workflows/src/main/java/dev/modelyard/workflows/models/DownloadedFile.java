package dev.modelyard.workflows.models;

/**
 * A download that has all its bytes but is not yet verified: it lies at {@code partialPath} until
 * its SHA-256 matches and it is moved to {@code finalPath}.
 *
 * @param sha256 what the provider's listing says the content's SHA-256 is, lowercase hex
 */
public record DownloadedFile(String partialPath, String finalPath, long sizeBytes, String sha256) {}
