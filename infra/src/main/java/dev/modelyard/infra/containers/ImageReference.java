package dev.modelyard.infra.containers;

/**
 * An image name split the way the engine's pull API wants it. Without a tag the engine would pull
 * every tag of the repository, so an untagged name means {@code latest}, as with the Docker CLI.
 *
 * @param tag a tag such as {@code 1.36}, or a digest such as {@code sha256:…}
 */
record ImageReference(String repository, String tag) {

  static ImageReference parse(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return new ImageReference(image.substring(0, at), image.substring(at + 1));
    }
    // A colon before the last slash belongs to a registry port (127.0.0.1:5000/busybox), not a tag.
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return new ImageReference(image.substring(0, colon), image.substring(colon + 1));
    }
    return new ImageReference(image, "latest");
  }
}
