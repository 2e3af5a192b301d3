package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailedKeyLookupsTests {

  private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");

  private final FailedKeyLookups lookups = new FailedKeyLookups(3);

  @Test
  void anAddressIsRefusedOnceItsMinuteHoldsTheLimitAndAgainAllowedWhenTheMinuteEnds() {
    for (int i = 0; i < 3; i++) {
      lookups.begin("192.0.2.1", START.plusSeconds(i));
    }

    KeyLookupsRefusedException refused =
        catchThrowableOfType(
            KeyLookupsRefusedException.class,
            () -> lookups.begin("192.0.2.1", START.plusSeconds(20)));

    assertThat(refused.retryAfterSeconds()).isEqualTo(40);
    lookups.begin("192.0.2.2", START.plusSeconds(20));
    lookups.begin("192.0.2.1", START.plus(FailedKeyLookups.WINDOW));
  }

  @Test
  void aLookupThatFindsAKeyIsTakenBack() {
    for (int i = 0; i < 10; i++) {
      lookups.found(lookups.begin("192.0.2.1", START));
    }
    lookups.begin("192.0.2.1", START);
    lookups.begin("192.0.2.1", START);
    lookups.begin("192.0.2.1", START);

    assertThatThrownBy(() -> lookups.begin("192.0.2.1", START))
        .isInstanceOf(KeyLookupsRefusedException.class);
  }

  @Test
  void lookupsUnderWayAtOnceCountBeforeTheyAnswer() throws Exception {
    AtomicInteger begun = new AtomicInteger();
    CountDownLatch together = new CountDownLatch(1);
    List<Future<?>> attempts = new ArrayList<>();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 50; i++) {
        attempts.add(
            threads.submit(
                () -> {
                  together.await();
                  lookups.begin("192.0.2.1", START);
                  return begun.incrementAndGet();
                }));
      }
      together.countDown();
    }
    long refused =
        attempts.stream()
            .filter(
                attempt -> {
                  try {
                    attempt.get();
                    return false;
                  } catch (Exception e) {
                    return e.getCause() instanceof KeyLookupsRefusedException;
                  }
                })
            .count();

    assertThat(begun).hasValue(3);
    assertThat(refused).isEqualTo(47);
  }

  @Test
  void requestsWithoutAnAddressShareOneCount() {
    for (int i = 0; i < 3; i++) {
      lookups.begin(null, START);
    }
    assertThatThrownBy(() -> lookups.begin(null, START))
        .isInstanceOf(KeyLookupsRefusedException.class);
  }

  @Test
  void anIpv6AddressCountsWithItsSlash64() {
    for (int i = 0; i < 3; i++) {
      lookups.begin("2001:db8:1:2::" + (i + 1), START);
    }

    assertThatThrownBy(() -> lookups.begin("2001:db8:1:2:ffff::9", START))
        .isInstanceOf(KeyLookupsRefusedException.class);
    lookups.begin("2001:db8:1:3::1", START);
    assertThat(FailedKeyLookups.key("2001:db8:1:2::5")).isEqualTo("20010db800010002::/64");
    assertThat(FailedKeyLookups.key("192.0.2.7")).isEqualTo("192.0.2.7");
  }
}
