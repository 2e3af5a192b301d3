package dev.modelyard.infra.providers.huggingface;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/** SHA-256 of files, in the lowercase hex the Hub publishes for LFS files. */
public final class Sha256 {

  private static final int BUFFER_SIZE = 1 << 16;

  private Sha256() {}

  public static String of(Path file) throws IOException {
    return of(file, bytesHashed -> {});
  }

  /** Hashes {@code file}, telling {@code progress} the bytes hashed so far after each read. */
  public static String of(Path file, LongConsumer progress) throws IOException {
    MessageDigest digest = newDigest();
    long done = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        done += n;
        progress.accept(done);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (see MessageDigest's documentation).
      throw new IllegalStateException(e);
    }
  }
}
