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

  private final FailedKeyLookups lookups = new FailedKeyLookups(3, 1000);

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
  void allAddressesTogetherAreRefusedPastTheTotalWithoutChargingTheAddressRefused() {
    FailedKeyLookups fewInAll = new FailedKeyLookups(3, 5);
    fewInAll.begin("192.0.2.1", START);
    fewInAll.begin("192.0.2.1", START);
    FailedKeyLookups.Lookup second = fewInAll.begin("192.0.2.2", START);
    fewInAll.begin("192.0.2.3", START);
    fewInAll.begin("192.0.2.4", START);

    KeyLookupsRefusedException refused =
        catchThrowableOfType(
            KeyLookupsRefusedException.class,
            () -> fewInAll.begin("192.0.2.1", START.plusSeconds(15)));
    assertThat(refused).hasMessage(KeyLookupsRefusedException.FROM_ALL_ADDRESSES);
    assertThat(refused.retryAfterSeconds()).isEqualTo(45);
    assertThatThrownBy(() -> fewInAll.begin("192.0.2.9", START.plusSeconds(15)))
        .hasMessage(KeyLookupsRefusedException.FROM_ALL_ADDRESSES);

    // A lookup that found its key leaves room for one more; the refusals above cost 192.0.2.1
    // nothing, so it still has its third.
    fewInAll.found(second);
    fewInAll.begin("192.0.2.1", START.plusSeconds(20));
    assertThatThrownBy(() -> fewInAll.begin("192.0.2.1", START.plusSeconds(20)))
        .hasMessage(KeyLookupsRefusedException.FROM_THIS_ADDRESS);
    fewInAll.begin("192.0.2.9", START.plus(FailedKeyLookups.WINDOW));
  }

  @Test
  void theTotalMayNotBeBelowOneAddresssLimit() {
    assertThatThrownBy(() -> new FailedKeyLookups(20, 19))
        .hasMessage("total must be at least perAddress (20), was 19");
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
