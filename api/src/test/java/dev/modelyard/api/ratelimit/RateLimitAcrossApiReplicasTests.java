package dev.modelyard.api.ratelimit;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.apistubs.StubEndpoints;
import dev.modelyard.testing.TestServices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * Rate limiting across two API instances over HTTP: each has its own filter, limiter and Redisson
 * client, as two replicas do, and the real Redis of the test services holds their one budget.
 */
class RateLimitAcrossApiReplicasTests {

  private static final String KEY = "Bearer sk-across-replicas";

  private final String prefix = TestRedis.uniquePrefix();
  private final List<RedissonClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.getFirst().getKeys().deleteByPattern(prefix + "*");
    clients.forEach(RedissonClient::shutdown);
  }

  @Test
  void twoApiInstancesRefuseACallerOnceTheirSharedBudgetIsSpent() throws Exception {
    MockMvc first = apiInstance();
    MockMvc second = apiInstance();

    first
        .perform(post("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, KEY))
        .andExpect(status().isOk())
        .andExpect(header().string("X-RateLimit-Remaining", "2"));
    second
        .perform(post("/api/v1/local-llm/generate").header(HttpHeaders.AUTHORIZATION, KEY))
        .andExpect(status().isOk())
        .andExpect(header().string("X-RateLimit-Remaining", "1"));
    first
        .perform(post("/v1/chat/completions").header("X-API-Key", "sk-across-replicas"))
        .andExpect(status().isOk())
        .andExpect(header().string("X-RateLimit-Remaining", "0"));

    second
        .perform(post("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, KEY))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string(HttpHeaders.RETRY_AFTER, "20"))
        .andExpect(jsonPath("$.error.type").value("rate_limit_exceeded"));
    first
        .perform(post("/api/v1/local-llm/generate").header(HttpHeaders.AUTHORIZATION, KEY))
        .andExpect(status().isTooManyRequests())
        .andExpect(jsonPath("$.status").value(429));
    second
        .perform(
            post("/api/v1/local-llm/generate").header(HttpHeaders.AUTHORIZATION, "Bearer other"))
        .andExpect(status().isOk());
  }

  private MockMvc apiInstance() {
    RedissonClient client = TestRedis.client(TestServices.get("REDIS_URL"));
    clients.add(client);
    RateLimits limits = RateLimiterContract.limits(3, 100);
    RateLimiter limiter =
        new FallbackRateLimiter(
            new RedisRateLimiter(client, limits, prefix),
            new LocalRateLimiter(limits, Ticker.systemTicker()),
            FallbackRateLimiter.WAIT_BEFORE_RETRY);
    return MockMvcBuilders.standaloneSetup(new StubEndpoints())
        .addFilters(new RateLimitFilter(limiter))
        .build();
  }
}
