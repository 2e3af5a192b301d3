package dev.modelyard.infra.providers.huggingface;

import java.util.List;
import java.util.Optional;

/**
 * A model repository on the Hub.
 *
 * @param id {@code owner/name}
 * @param sha the commit that {@code main} points at
 * @param siblings the repository's files
 */
public record ModelInfo(String id, String sha, List<RepoFile> siblings) {

  public ModelInfo {
    siblings = siblings == null ? List.of() : List.copyOf(siblings);
  }

  public Optional<RepoFile> file(String path) {
    return siblings.stream().filter(f -> f.rfilename().equals(path)).findFirst();
  }
}
