package dev.modelyard.workflows.models;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One file of a Hugging Face repository, as a {@code huggingface} model names it: {@code
 * org/repo/path/in/repo.gguf}, the repository id followed by the file's path in it.
 *
 * @param repo {@code org/repo}
 * @param path the file's path inside the repository, e.g. {@code model.Q4_K_M.gguf}
 */
public record HuggingFaceFile(String repo, String path) {

  // The Hub's own rule for owner and repository names.
  private static final Pattern REPO_SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

  public HuggingFaceFile {
    String[] repoSegments = repo == null ? new String[0] : repo.split("/", -1);
    if (repoSegments.length != 2
        || !Arrays.stream(repoSegments).allMatch(HuggingFaceFile::isRepoSegment)) {
      throw new IllegalArgumentException("repository must be org/name, was '" + repo + "'");
    }
    if (path == null
        || path.isEmpty()
        || !Arrays.stream(path.split("/", -1)).allMatch(HuggingFaceFile::isPathSegment)) {
      throw new IllegalArgumentException("not a file path inside a repository: '" + path + "'");
    }
  }

  /**
   * Splits a model name such as {@code TheBloke/Llama-2-7B-GGUF/llama-2-7b.Q4_K_M.gguf}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static HuggingFaceFile parse(String modelName) {
    String[] segments = modelName == null ? new String[0] : modelName.split("/", 3);
    if (segments.length < 3) {
      throw new IllegalArgumentException(
          "a huggingface model name is org/repo/file (e.g. org/repo/model.gguf), was '"
              + modelName
              + "'");
    }
    return new HuggingFaceFile(segments[0] + "/" + segments[1], segments[2]);
  }

  private static boolean isRepoSegment(String segment) {
    return REPO_SEGMENT.matcher(segment).matches() && !isDotSegment(segment);
  }

  // The path becomes a path in the model store too: no way out of it, no control characters.
  private static boolean isPathSegment(String segment) {
    return !segment.isEmpty()
        && !isDotSegment(segment)
        && segment.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\');
  }

  private static boolean isDotSegment(String segment) {
    return segment.equals(".") || segment.equals("..");
  }

  @Override
  public String toString() {
    return repo + "/" + path;
  }
}
