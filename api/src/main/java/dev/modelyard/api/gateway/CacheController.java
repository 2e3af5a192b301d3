package dev.modelyard.api.gateway;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The generation cache: its numbers, and a way to empty it (both levels). */
@RestController
class CacheController {

  private final CompletionCache cache;

  CacheController(CompletionCache cache) {
    this.cache = cache;
  }

  @GetMapping("/api/v1/local-llm/metrics/cache")
  CacheReport stats() {
    CompletionCache.CacheStats stats = cache.stats();
    return new CacheReport(
        stats.hits(),
        stats.redisHits(),
        stats.misses(),
        stats.hitRate(),
        stats.entriesInProcess(),
        stats.redis());
  }

  @DeleteMapping("/api/v1/local-llm/cache/clear")
  CacheReport clear() {
    cache.clear();
    return stats();
  }

  record CacheReport(
      long hits,
      long redisHits,
      long misses,
      double hitRate,
      long entriesInProcess,
      String redis) {}
}
