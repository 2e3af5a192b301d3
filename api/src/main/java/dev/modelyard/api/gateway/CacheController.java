package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.InvalidFieldException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The generation cache: its numbers, and ways to empty it (both levels). */
@RestController
class CacheController {

  private final CompletionCache cache;
  private final RoutingTable table;

  CacheController(CompletionCache cache, RoutingTable table) {
    this.cache = cache;
    this.table = table;
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
        stats.redisErrors(),
        stats.redis());
  }

  /**
   * Empties the cache, or only the answers of one category ({@code chat}, {@code completions},
   * {@code embeddings}) and/or one model name.
   */
  @DeleteMapping("/api/v1/local-llm/cache/clear")
  CacheRemoval clear(
      @RequestParam(required = false) String category,
      @RequestParam(required = false) String model) {
    if (category != null
        && Arrays.stream(Endpoint.values()).noneMatch(e -> e.category().equals(category))) {
      throw new InvalidFieldException(
          "category",
          "unknown category '" + category + "': expected chat, completions or embeddings");
    }
    if (model != null && model.isBlank()) {
      throw new InvalidFieldException("model", "must not be blank when given");
    }
    return CacheRemoval.of(cache.clear(category, model), stats());
  }

  /** Drops entries past their TTL and those of model versions that a new digest replaced. */
  @PostMapping("/api/v1/local-llm/cache/flush-expired")
  CacheRemoval flushExpired() {
    Map<String, String> served = new HashMap<>();
    table
        .candidates(null, null)
        .forEach(
            i -> served.put(i.provider() + "/" + i.modelName(), String.valueOf(i.modelDigest())));
    return CacheRemoval.of(cache.flushExpired(served), stats());
  }

  record CacheReport(
      long hits,
      long redisHits,
      long misses,
      double hitRate,
      long entriesInProcess,
      long redisErrors,
      String redis) {}

  /** What a clear or flush removed ({@code removed_redis} is -1 when Redis was unreachable). */
  record CacheRemoval(long removedInProcess, long removedRedis, CacheReport cache) {

    static CacheRemoval of(CompletionCache.Removed removed, CacheReport report) {
      return new CacheRemoval(removed.inProcess(), removed.redis(), report);
    }
  }
}
