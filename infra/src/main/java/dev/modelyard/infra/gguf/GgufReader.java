package dev.modelyard.infra.gguf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a GGUF file's header: metadata key-values and tensor shapes, never the weights. The format
 * is little-endian; see ggml's docs/gguf.md.
 */
public final class GgufReader {

  private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
  private static final int MAX_STRING = 1 << 20;

  private static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5;
  private static final int FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10;
  private static final int INT64 = 11, FLOAT64 = 12;

  private final InputStream in;

  private GgufReader(InputStream in) {
    this.in = in;
  }

  /** Reads the header; throws {@link GgufFormatException} when the file is not GGUF. */
  public static GgufMetadata read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return new GgufReader(in).header();
    }
  }

  private GgufMetadata header() throws IOException {
    if (int32() != MAGIC) {
      throw new GgufFormatException("not a GGUF file (bad magic number)");
    }
    int version = int32();
    if (version < 2 || version > 3) {
      throw new GgufFormatException("unsupported GGUF version " + version);
    }
    long tensorCount = int64();
    long kvCount = int64();
    Map<String, Object> metadata = new HashMap<>();
    for (long i = 0; i < kvCount; i++) {
      String key = string();
      Object value = value(int32());
      if (value != null) {
        metadata.put(key, value);
      }
    }
    long parameters = 0;
    for (long i = 0; i < tensorCount; i++) {
      string(); // name
      int dims = int32();
      long elements = 1;
      for (int d = 0; d < dims; d++) {
        elements *= int64();
      }
      int32(); // ggml type
      int64(); // offset
      parameters += elements;
    }
    String architecture = (String) metadata.getOrDefault("general.architecture", "unknown");
    Object context = metadata.get(architecture + ".context_length");
    Object fileType = metadata.get("general.file_type");
    return new GgufMetadata(
        version,
        architecture,
        (String) metadata.get("general.name"),
        parameters,
        fileType instanceof Number n ? GgufFileType.name(n.intValue()) : "unknown",
        context instanceof Number n ? n.intValue() : 0,
        tensorCount);
  }

  /** Reads a value; arrays are skipped (returned as null) since no fact we need is an array. */
  private Object value(int type) throws IOException {
    return switch (type) {
      case UINT8, INT8, BOOL -> (long) read1();
      case UINT16, INT16 -> (long) (read1() | (read1() << 8));
      case UINT32, INT32 -> (long) int32();
      case FLOAT32 -> Float.intBitsToFloat(int32());
      case UINT64, INT64 -> int64();
      case FLOAT64 -> Double.longBitsToDouble(int64());
      case STRING -> string();
      case ARRAY -> {
        int itemType = int32();
        long count = int64();
        for (long i = 0; i < count; i++) {
          value(itemType);
        }
        yield null;
      }
      default -> throw new GgufFormatException("unknown metadata value type " + type);
    };
  }

  private String string() throws IOException {
    long length = int64();
    if (length < 0 || length > MAX_STRING) {
      throw new GgufFormatException("implausible string length " + length);
    }
    return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
  }

  private int read1() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("GGUF header ends early");
    }
    return b;
  }

  private int int32() throws IOException {
    return read1() | (read1() << 8) | (read1() << 16) | (read1() << 24);
  }

  private long int64() throws IOException {
    return (int32() & 0xFFFFFFFFL) | ((long) int32() << 32);
  }
}
