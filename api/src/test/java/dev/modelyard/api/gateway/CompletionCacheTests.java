package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.testing.TestServices;
import dev.modelyard.testing.ThrowawayRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The two-level cache against real Redis servers: shared, coalescing, and surviving an outage. */
class CompletionCacheTests {

  private static final DeploymentIdentity DEPLOYMENT =
      new DeploymentIdentity("cache-tests-" + UUID.randomUUID());

  private final List<RedissonClient> clients = new ArrayList<>();
  private Process privateRedis;

  @AfterEach
  void close() {
    clients.forEach(RedissonClient::shutdown);
    if (privateRedis != null) {
      privateRedis.destroyForcibly();
    }
  }

  @Test
  void anAnswerCachedByOneApiInstanceIsServedByAnother() {
    CompletionCache first = cacheOn(TestServices.get("REDIS_URL"));
    CompletionCache second = cacheOn(TestServices.get("REDIS_URL"));
    String key = UUID.randomUUID().toString();
    AtomicInteger backendCalls = new AtomicInteger();

    first.get(key, () -> answer(backendCalls, "shared"));
    CachedCompletion fromSecond = second.get(key, () -> answer(backendCalls, "recomputed"));

    assertThat(backendCalls).hasValue(1);
    assertThat(new String(fromSecond.body(), StandardCharsets.UTF_8)).isEqualTo("shared");
    assertThat(second.stats().redisHits()).isEqualTo(1);
  }

  @Test
  void aStreamsLookupCountsItsMissAsWellAsItsHit() {
    CompletionCache cache = cacheOn(TestServices.get("REDIS_URL"));
    String key = UUID.randomUUID().toString();

    assertThat(cache.peek(key)).isEmpty();
    cache.put(key, CachedCompletion.ofEvents(List.of("{}")));
    assertThat(cache.peek(key)).isPresent();

    assertThat(cache.stats().misses()).isEqualTo(1);
    assertThat(cache.stats().hits()).isEqualTo(1);
  }

  @Test
  void clearingAModelByNameLeavesAModelWhoseNameEndsTheSame() {
    CompletionCache cache = cacheOn(TestServices.get("REDIS_URL"));
    String run = UUID.randomUUID().toString();
    String exact = CacheKeys.of("chat", "local_gguf/file-" + run + ".gguf@d1", "h1");
    String longer = CacheKeys.of("chat", "huggingface/org/repo/file-" + run + ".gguf@d2", "h2");
    for (String key : List.of(exact, longer)) {
      clients
          .getLast()
          .getBucket(CompletionCache.PREFIX + DEPLOYMENT.id() + ":" + key, ByteArrayCodec.INSTANCE)
          .set("{}".getBytes(StandardCharsets.UTF_8));
    }

    CompletionCache.Removed removed = cache.clear("chat", "file-" + run + ".gguf");

    assertThat(removed.redis()).isEqualTo(1);
    assertThat(
            clients
                .getLast()
                .getBucket(
                    CompletionCache.PREFIX + DEPLOYMENT.id() + ":" + longer,
                    ByteArrayCodec.INSTANCE)
                .isExists())
        .isTrue();
  }

  @Test
  void identicalConcurrentMissesMakeOneBackendCall() throws Exception {
    CompletionCache cache = cacheOn(TestServices.get("REDIS_URL"));
    String key = UUID.randomUUID().toString();
    AtomicInteger backendCalls = new AtomicInteger();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<CachedCompletion>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> cache.get(key, () -> slowAnswer(backendCalls)), pool));
      }
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    assertThat(backendCalls).hasValue(1);
    assertThat(cache.stats().hits() + cache.stats().misses()).isEqualTo(16);
  }

  @Test
  @Timeout(30)
  void aFailedLoadIsSharedByThoseWaitingForItAndNotKept() throws Exception {
    CompletionCache cache = cacheOn(TestServices.get("REDIS_URL"));
    String key = UUID.randomUUID().toString();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<CachedCompletion> first =
          CompletableFuture.supplyAsync(
              () ->
                  cache.get(
                      key,
                      () -> {
                        loading.countDown();
                        await(fail);
                        throw new IllegalStateException("every instance failed");
                      }),
              pool);
      assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<CachedCompletion> waiting = new CompletableFuture<>();
      Thread second =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      waiting.complete(
                          cache.get(key, () -> answer(new AtomicInteger(), "not asked")));
                    } catch (RuntimeException e) {
                      waiting.completeExceptionally(e);
                    }
                  });
      // Parked: it found the first request's load under way and waits for it.
      while (second.getState() != Thread.State.WAITING) {
        Thread.sleep(5);
      }
      fail.countDown();

      assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
          .hasRootCauseMessage("every instance failed");
      assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
          .hasRootCauseMessage("every instance failed");
    }
    AtomicInteger backendCalls = new AtomicInteger();

    CachedCompletion retried = cache.get(key, () -> answer(backendCalls, "second try"));

    assertThat(backendCalls).hasValue(1);
    assertThat(new String(retried.body(), StandardCharsets.UTF_8)).isEqualTo("second try");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anEntryThatCannotBeReadIsAMissThatIsCountedAndReplaced() {
    String url = TestServices.get("REDIS_URL");
    CompletionCache cache = cacheOn(url);
    String key = UUID.randomUUID().toString();
    clients
        .getLast()
        .getBucket(CompletionCache.PREFIX + DEPLOYMENT.id() + ":" + key, ByteArrayCodec.INSTANCE)
        .set("not gzip".getBytes(StandardCharsets.UTF_8));
    AtomicInteger backendCalls = new AtomicInteger();

    cache.get(key, () -> answer(backendCalls, "fresh"));
    CachedCompletion fromAnother = cacheOn(url).get(key, () -> answer(backendCalls, "again"));

    assertThat(backendCalls).hasValue(1);
    assertThat(cache.stats().redisErrors()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
    assertThat(cache.stats().redis()).as("Redis answered: no outage").isEqualTo("closed");
    assertThat(new String(fromAnother.body(), StandardCharsets.UTF_8)).isEqualTo("fresh");
  }

  @Test
  @Timeout(60)
  void aRedisOutageFallsBackToTheProcessAndRecoversByItself() throws Exception {
    int port = ThrowawayRedis.freePort();
    privateRedis = ThrowawayRedis.start(port);
    CompletionCache cache = cacheOn("redis://127.0.0.1:" + port);
    AtomicInteger backendCalls = new AtomicInteger();
    cache.get("before", () -> answer(backendCalls, "a"));

    privateRedis.destroyForcibly().waitFor();
    Instant start = Instant.now();
    for (int i = 0; i < 4; i++) {
      cache.get("during-" + i, () -> answer(backendCalls, "b"));
    }
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    assertThat(cache.stats().redis()).isEqualTo("open");
    assertThat(cache.get("before", () -> answer(backendCalls, "x")).body())
        .as("still served from the process while Redis is down")
        .isEqualTo("a".getBytes(StandardCharsets.UTF_8));

    privateRedis = ThrowawayRedis.start(port);
    Instant deadline = Instant.now().plusSeconds(30);
    int n = 0;
    while (!cache.stats().redis().equals("closed") && Instant.now().isBefore(deadline)) {
      cache.get("after-" + n++, () -> answer(backendCalls, "c"));
      Thread.sleep(500);
    }
    assertThat(cache.stats().redis()).isEqualTo("closed");
  }

  private CompletionCache cacheOn(String url) {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress(url)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0);
    config.setLazyInitialization(true);
    RedissonClient client = Redisson.create(config);
    clients.add(client);
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("redisson", client);
    beans.addBean("deployment", DEPLOYMENT);
    return new CompletionCache(
        beans.getBeanProvider(RedissonClient.class),
        beans.getBeanProvider(DeploymentIdentity.class));
  }

  private static CachedCompletion answer(AtomicInteger calls, String text) {
    calls.incrementAndGet();
    return CachedCompletion.ofBody(text.getBytes(StandardCharsets.UTF_8));
  }

  private static CachedCompletion slowAnswer(AtomicInteger calls) {
    calls.incrementAndGet();
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CachedCompletion.ofBody("slow".getBytes(StandardCharsets.UTF_8));
  }
}
