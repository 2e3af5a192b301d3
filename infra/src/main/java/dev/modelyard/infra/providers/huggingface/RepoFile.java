package dev.modelyard.infra.providers.huggingface;

import java.util.Optional;

/**
 * One file of a repository.
 *
 * @param rfilename its path inside the repository
 * @param size its size in bytes
 * @param blobId its Git blob id (of the LFS pointer, for files stored in LFS)
 * @param lfs where the content lives for large files, null for files kept in Git itself
 */
public record RepoFile(String rfilename, long size, String blobId, Lfs lfs) {

  /**
   * Large File Storage facts about the content.
   *
   * @param sha256 the content's SHA-256, hex, to verify a download against
   * @param pointerSize the size of the pointer file Git stores instead
   */
  public record Lfs(String sha256, long size, long pointerSize) {}

  /** The content's SHA-256 when the Hub knows it, which it does for LFS files. */
  public Optional<String> sha256() {
    return lfs == null ? Optional.empty() : Optional.ofNullable(lfs.sha256());
  }
}
