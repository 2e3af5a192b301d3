package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.modelyard.apistubs.StubEndpoints;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The filter over HTTP with this process's limits: 2 requests per minute per caller. */
class RateLimitFilterTests {

  private final AtomicLong nanos = new AtomicLong();
  private final StubEndpoints endpoints = new StubEndpoints();
  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(endpoints)
          .addFilters(
              new RateLimitFilter(
                  new LocalRateLimiter(RateLimiterContract.limits(2, 100), nanos::get)))
          .build();

  @Test
  void anAllowedRequestCarriesItsBudgetInHeaders() throws Exception {
    mvc.perform(post("/v1/chat/completions"))
        .andExpect(status().isOk())
        .andExpect(header().string("X-RateLimit-Limit", "2"))
        .andExpect(header().string("X-RateLimit-Remaining", "1"))
        .andExpect(header().string("X-RateLimit-Reset", "30"))
        .andExpect(header().doesNotExist(HttpHeaders.RETRY_AFTER));
  }

  @Test
  void aRefusedOpenAiRequestGetsA429InOpenAisErrorFormat() throws Exception {
    spend(post("/v1/chat/completions"), 2);

    mvc.perform(post("/v1/chat/completions"))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string(HttpHeaders.RETRY_AFTER, "30"))
        .andExpect(header().string("X-RateLimit-Limit", "2"))
        .andExpect(header().string("X-RateLimit-Remaining", "0"))
        .andExpect(header().string("X-RateLimit-Reset", "60"))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.error.type").value("rate_limit_exceeded"))
        .andExpect(jsonPath("$.error.code").value("rate_limit_exceeded"))
        .andExpect(jsonPath("$.error.message").value(containsString("2 requests per 60 s")))
        .andExpect(jsonPath("$.error.message").value(containsString("retry in 30 s")));
    assertThat(endpoints.served).as("the refused request did no work").hasValue(2);
  }

  @Test
  void aRefusedGenerateRequestGetsA429Problem() throws Exception {
    spend(post("/api/v1/local-llm/generate"), 2);

    mvc.perform(post("/api/v1/local-llm/generate"))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string(HttpHeaders.RETRY_AFTER, "30"))
        .andExpect(header().string("X-RateLimit-Remaining", "0"))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(429))
        .andExpect(jsonPath("$.title").value("Too Many Requests"))
        .andExpect(jsonPath("$.detail").value(containsString("retry in 30 s")))
        .andExpect(jsonPath("$.instance").value("/api/v1/local-llm/generate"));
  }

  @Test
  void bothPathFamiliesDrawOnOneBudgetPerCaller() throws Exception {
    spend(get("/v1/models"), 1);
    spend(post("/api/v1/local-llm/generate"), 1);

    mvc.perform(post("/v1/chat/completions")).andExpect(status().isTooManyRequests());
  }

  @Test
  void theBudgetComesBackWithTime() throws Exception {
    spend(post("/v1/chat/completions"), 2);

    nanos.addAndGet(30_000_000_000L);

    mvc.perform(post("/v1/chat/completions"))
        .andExpect(status().isOk())
        .andExpect(header().string("X-RateLimit-Remaining", "0"));
  }

  @Test
  void aCallerIsItsApiKeyHoweverSentOrElseItsAddress() throws Exception {
    spend(post("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer sk-one"), 2);

    mvc.perform(post("/v1/chat/completions").header("X-API-Key", "sk-one"))
        .andExpect(status().isTooManyRequests());
    mvc.perform(post("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer sk-two"))
        .andExpect(status().isOk());
    mvc.perform(post("/v1/chat/completions")).andExpect(status().isOk());
    mvc.perform(post("/v1/chat/completions").with(from("10.0.0.9"))).andExpect(status().isOk());
  }

  @Test
  void healthMetricsAndLifecyclePathsAreNotLimited() throws Exception {
    spend(post("/v1/chat/completions"), 2);

    for (String path : new String[] {"/actuator/health", "/api/v1/local-llm/tasks/active"}) {
      mvc.perform(get(path))
          .andExpect(status().isOk())
          .andExpect(header().doesNotExist("X-RateLimit-Limit"));
    }
  }

  @Test
  void anEncodedPathIsLimitedAsTheDispatcherDecodesIt() throws Exception {
    spend(post("/api/v1/local-llm/generate"), 2);

    mvc.perform(post(URI.create("/api/v1/local-llm/%67enerate")))
        .andExpect(status().isTooManyRequests());
    mvc.perform(post(URI.create("/api/v1/local-llm/generate;jsessionid=x")))
        .andExpect(status().isTooManyRequests());
    // The dispatcher decodes as UTF-8 whatever charset the body declares; so must the limiter.
    mvc.perform(
            post(URI.create("/api/v1/local-llm/%67enerate"))
                .contentType("application/json; charset=UTF-16")
                .content("{}"))
        .andExpect(status().isTooManyRequests());
  }

  private void spend(MockHttpServletRequestBuilder request, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      mvc.perform(request).andExpect(status().isOk());
    }
  }

  private static org.springframework.test.web.servlet.request.RequestPostProcessor from(
      String address) {
    return request -> {
      request.setRemoteAddr(address);
      return request;
    };
  }
}
