package dev.modelyard.api.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.LongCodec;

/**
 * The limits shared by every API replica: one Lua script ({@code gcra.lua}) checks and records the
 * caller's and the global limit in one round trip (EVALSHA), on Redis's clock. Its keys expire once
 * their budget is full again, so idle callers leave nothing behind. Failures propagate: {@link
 * FallbackRateLimiter} decides what an outage means.
 */
final class RedisRateLimiter implements RateLimiter {

  static final String KEY_PREFIX = "modelyard:ratelimit:";
  private static final String SCRIPT = read("gcra.lua");

  private final RScript script;
  private final RateLimits limits;
  private final String callerPrefix;
  private final String globalKey;
  private volatile String sha;

  RedisRateLimiter(RedissonClient redis, RateLimits limits, String keyPrefix) {
    this.script = redis.getScript(LongCodec.INSTANCE);
    this.limits = limits;
    this.callerPrefix = keyPrefix + "caller:";
    this.globalKey = keyPrefix + "global";
  }

  @Override
  public RateLimitDecision acquire(String caller, Integer callerRequests) {
    RateLimits limits = this.limits.forCaller(callerRequests);
    List<Long> result = run(List.of(callerPrefix + caller, globalKey), limits);
    return RateLimitDecision.of(limits, check(result, 0), check(result, 3));
  }

  private List<Long> run(List<Object> keys, RateLimits limits) {
    String loaded = sha;
    if (loaded == null) {
      loaded = load();
    }
    try {
      return evalSha(loaded, keys, limits);
    } catch (RedisNoScriptException e) {
      // Redis restarted or flushed its scripts since we loaded ours.
      return evalSha(load(), keys, limits);
    }
  }

  private List<Long> evalSha(String loaded, List<Object> keys, RateLimits limits) {
    return script.evalSha(
        RScript.Mode.READ_WRITE,
        loaded,
        RScript.ReturnType.LIST,
        keys,
        limits.perCaller().intervalMicros(),
        limits.perCaller().windowMicros(),
        limits.global().intervalMicros(),
        limits.global().windowMicros());
  }

  private String load() {
    String loaded = script.scriptLoad(SCRIPT);
    sha = loaded;
    return loaded;
  }

  /** One limit's numbers from the script's answer; only a limit that refuses has a retry-after. */
  private static LimitCheck check(List<Long> result, int from) {
    long retryAfter = result.get(from + 2);
    return new LimitCheck(retryAfter == 0, result.get(from), result.get(from + 1), retryAfter);
  }

  private static String read(String resource) {
    try (InputStream in = RedisRateLimiter.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
