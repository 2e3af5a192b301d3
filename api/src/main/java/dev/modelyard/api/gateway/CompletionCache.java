package dev.modelyard.api.gateway;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Two levels: Caffeine in this process, bounded by size, and Redis shared by every API replica,
 * with a TTL and gzip. Identical concurrent misses wait for one backend call. When Redis fails, a
 * circuit breaker takes it out of the path (logged once) and lets one call through every few
 * seconds, so the cache recovers by itself when Redis returns.
 */
@Component
class CompletionCache {

  private static final Logger log = LoggerFactory.getLogger(CompletionCache.class);
  static final String PREFIX = "modelyard:completion:";
  static final Duration TTL = Duration.ofHours(1);
  private static final long MAX_BYTES_IN_PROCESS = 64L << 20;

  private final AsyncCache<String, CachedCompletion> local =
      Caffeine.newBuilder()
          .maximumWeight(MAX_BYTES_IN_PROCESS)
          .<String, CachedCompletion>weigher(
              (key, value) -> (int) Math.min(Integer.MAX_VALUE, value.weight()))
          .expireAfterWrite(TTL)
          .buildAsync();
  private final RedissonClient redis;
  private final String prefix;
  private final CircuitBreaker redisBreaker =
      RedisBreaker.of(
          "redis-cache",
          RedisBreaker.config().build(),
          log,
          "Redis cache unreachable: serving from the in-process cache and backends",
          "Redis cache reachable again");
  private final LongAdder hits = new LongAdder();
  private final LongAdder redisHits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder redisErrors = new LongAdder();
  private final AtomicBoolean unreadableLogged = new AtomicBoolean();

  CompletionCache(
      ObjectProvider<RedissonClient> redis, ObjectProvider<DeploymentIdentity> deployment) {
    this.redis = redis.getIfAvailable();
    // Named by the deployment: another one given the same Redis neither reads nor clears these.
    this.prefix = this.redis == null ? PREFIX : PREFIX + deployment.getObject().id() + ":";
  }

  /**
   * The cached answer for {@code key}, or the one {@code compute} makes (once per key at a time).
   * The first request to miss loads it on its own thread, and identical requests meanwhile wait for
   * its future. A failed load leaves the cache before its failure is thrown, so a request that
   * follows tries again: with Caffeine's loader on a thread of its own, the failed future could
   * still be there for the client's retry, which then got the same failure without a call.
   */
  CachedCompletion get(String key, Supplier<CachedCompletion> compute) {
    CompletableFuture<CachedCompletion> loading = new CompletableFuture<>();
    CompletableFuture<CachedCompletion> present = local.asMap().putIfAbsent(key, loading);
    if (present != null) {
      try {
        CachedCompletion value = present.join();
        hits.increment();
        return value;
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
      }
    }
    try {
      Optional<CachedCompletion> shared = fromRedis(key);
      if (shared.isPresent()) {
        redisHits.increment();
        loading.complete(shared.get());
        return shared.get();
      }
      misses.increment();
      CachedCompletion fresh = compute.get();
      loading.complete(fresh);
      toRedis(key, fresh);
      return fresh;
    } catch (RuntimeException | Error e) {
      local.asMap().remove(key, loading);
      // Those already waiting for it get the same failure.
      loading.completeExceptionally(e);
      throw e;
    }
  }

  Optional<CachedCompletion> peek(String key) {
    CompletableFuture<CachedCompletion> inProcess = local.getIfPresent(key);
    if (inProcess != null && inProcess.isDone() && !inProcess.isCompletedExceptionally()) {
      hits.increment();
      return Optional.of(inProcess.join());
    }
    Optional<CachedCompletion> shared = fromRedis(key);
    shared.ifPresentOrElse(
        value -> {
          redisHits.increment();
          local.put(key, CompletableFuture.completedFuture(value));
        },
        misses::increment);
    return shared;
  }

  void put(String key, CachedCompletion value) {
    local.put(key, CompletableFuture.completedFuture(value));
    toRedis(key, value);
  }

  CacheStats stats() {
    return new CacheStats(
        hits.sum(),
        redisHits.sum(),
        misses.sum(),
        local.synchronous().estimatedSize(),
        redisErrors.sum(),
        redis != null ? redisBreaker.getState().name().toLowerCase(java.util.Locale.ROOT) : "none");
  }

  /**
   * Removes the entries of a category and model name (each null for any) from both levels; answers
   * how many went from each (-1 for Redis when it is unreachable).
   */
  Removed clear(String category, String modelName) {
    long inProcess = removeLocal(key -> CacheKeys.matches(key, category, modelName));
    long shared = -1;
    if (redis != null) {
      try {
        shared =
            redisBreaker.executeSupplier(
                () -> {
                  // The glob narrows the scan; the exact check then keeps "file.gguf" from also
                  // matching "org/repo/file.gguf", since a glob's * crosses a '/'.
                  String[] matching =
                      redis
                          .getKeys()
                          .getKeysStreamByPattern(
                              CacheKeys.pattern(prefix, category, modelName), 500)
                          .filter(
                              k ->
                                  CacheKeys.matches(
                                      k.substring(prefix.length()), category, modelName))
                          .toArray(String[]::new);
                  return matching.length == 0 ? 0 : redis.getKeys().delete(matching);
                });
      } catch (RuntimeException e) {
        log.warn("Redis cache not cleared: {}", e.getMessage());
      }
    }
    return new Removed(inProcess, shared);
  }

  /**
   * Drops what can never be served again: in-process entries past their TTL (Redis expires its
   * own), and entries of a model version that a newer digest of the same model has replaced. {@code
   * served} maps {@code provider/model} to the digest served now.
   */
  Removed flushExpired(Map<String, String> served) {
    long before = local.synchronous().estimatedSize();
    local.synchronous().cleanUp();
    long inProcess =
        Math.max(0, before - local.synchronous().estimatedSize())
            + removeLocal(key -> CacheKeys.superseded(key, served));
    long shared = -1;
    if (redis != null) {
      try {
        shared =
            redisBreaker.executeSupplier(
                () -> {
                  String[] dead =
                      redis
                          .getKeys()
                          .getKeysStreamByPattern(prefix + "*", 500)
                          .filter(k -> CacheKeys.superseded(k.substring(prefix.length()), served))
                          .toArray(String[]::new);
                  return dead.length == 0 ? 0 : redis.getKeys().delete(dead);
                });
      } catch (RuntimeException e) {
        log.warn("Redis cache not flushed: {}", e.getMessage());
      }
    }
    return new Removed(inProcess, shared);
  }

  private long removeLocal(java.util.function.Predicate<String> which) {
    var entries = local.synchronous().asMap();
    long removed = 0;
    for (String key : List.copyOf(entries.keySet())) {
      if (which.test(key) && entries.remove(key) != null) {
        removed++;
      }
    }
    return removed;
  }

  private Optional<CachedCompletion> fromRedis(String key) {
    if (redis == null) {
      return Optional.empty();
    }
    byte[] stored;
    try {
      stored = redisBreaker.executeSupplier(() -> bucket(key).get());
    } catch (CallNotPermittedException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      redisErrors.increment();
      log.debug("Redis cache read failed", e);
      return Optional.empty();
    }
    if (stored == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(stored));
    } catch (RuntimeException e) {
      // Redis answered, so its breaker stays closed; but every such entry is a miss (its answer
      // then replaces it), which would go unseen without a word: say it once, count each.
      redisErrors.increment();
      if (unreadableLogged.compareAndSet(false, true)) {
        log.warn("A Redis cache entry could not be read; it is treated as a miss and replaced", e);
      }
      return Optional.empty();
    }
  }

  private void toRedis(String key, CachedCompletion value) {
    if (redis == null) {
      return;
    }
    try {
      redisBreaker.executeRunnable(() -> bucket(key).set(encode(value), TTL));
    } catch (CallNotPermittedException e) {
      // Redis is out of the path for now; its breaker said so once.
    } catch (RuntimeException e) {
      redisErrors.increment();
      log.debug("Redis cache write failed", e);
    }
  }

  private RBucket<byte[]> bucket(String key) {
    return redis.getBucket(prefix + key, ByteArrayCodec.INSTANCE);
  }

  private static byte[] encode(CachedCompletion value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(OpenAiJson.MAPPER.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static CachedCompletion decode(byte[] stored) {
    try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(stored))) {
      return OpenAiJson.MAPPER.readValue(gzip.readAllBytes(), CachedCompletion.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entries removed from each level; -1 where Redis could not be reached. */
  record Removed(long inProcess, long redis) {}

  /**
   * @param redisErrors reads and writes Redis failed, and entries it held that could not be read
   *     (calls skipped while its breaker is open are not counted)
   */
  record CacheStats(
      long hits,
      long redisHits,
      long misses,
      long entriesInProcess,
      long redisErrors,
      String redis) {

    double hitRate() {
      long total = hits + redisHits + misses;
      return total == 0 ? 0 : (double) (hits + redisHits) / total;
    }
  }
}
