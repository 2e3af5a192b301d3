package dev.modelyard.infra.gguf;

import java.io.IOException;

/** The file is not a GGUF file this reader understands. */
public class GgufFormatException extends IOException {

  public GgufFormatException(String message) {
    super(message);
  }
}
