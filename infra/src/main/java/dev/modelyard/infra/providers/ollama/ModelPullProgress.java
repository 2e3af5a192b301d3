package dev.modelyard.infra.providers.ollama;

/**
 * One line of {@code /api/pull}'s progress stream.
 *
 * @param status e.g. {@code pulling manifest}, {@code pulling sha256:…}, {@code success}
 * @param digest the blob being downloaded, or empty for steps about the whole model
 * @param total the blob's size in bytes, 0 for steps without one
 * @param completed bytes of the blob downloaded so far
 */
public record ModelPullProgress(String status, String digest, long total, long completed) {

  public boolean isSuccess() {
    return "success".equals(status);
  }
}
