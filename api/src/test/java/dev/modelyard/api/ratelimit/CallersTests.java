package dev.modelyard.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;

/** Who a request counts against, and that a raw API key is never what is kept. */
class CallersTests {

  @Test
  void anApiKeyIsKeptOnlyAsItsHashWhicheverHeaderCarriesIt() {
    MockHttpServletRequest bearer = new MockHttpServletRequest();
    bearer.addHeader(HttpHeaders.AUTHORIZATION, "bearer sk-secret-key");
    MockHttpServletRequest header = new MockHttpServletRequest();
    header.addHeader(Callers.API_KEY_HEADER, " sk-secret-key ");

    String caller = Callers.identify(bearer);

    assertThat(caller).startsWith("key:").doesNotContain("sk-secret-key").hasSize(4 + 64);
    assertThat(Callers.identify(header)).isEqualTo(caller);
  }

  @Test
  void withoutAKeyACallerIsItsAddress() {
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.setRemoteAddr("2001:db8::7");
    request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer ");
    request.addHeader("X-Forwarded-For", "198.51.100.1");

    assertThat(Callers.identify(request)).isEqualTo("ip:2001:db8::7");
  }
}
