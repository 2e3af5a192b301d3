package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedKeyLookupsTests {

  private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");

  private final FailedKeyLookups lookups = new FailedKeyLookups(3);

  @Test
  void anAddressIsRefusedOnceItsMinuteHoldsTheLimitAndAgainAllowedWhenTheMinuteEnds() {
    for (int i = 0; i < 3; i++) {
      lookups.checkAllowed("192.0.2.1", START.plusSeconds(i));
      lookups.failed("192.0.2.1", START.plusSeconds(i));
    }

    KeyLookupsRefusedException refused =
        catchThrowableOfType(
            KeyLookupsRefusedException.class,
            () -> lookups.checkAllowed("192.0.2.1", START.plusSeconds(20)));

    assertThat(refused.retryAfterSeconds()).isEqualTo(40);
    lookups.checkAllowed("192.0.2.2", START.plusSeconds(20));
    lookups.checkAllowed("192.0.2.1", START.plus(FailedKeyLookups.WINDOW));
  }

  @Test
  void aNewMinuteStartsCountingAfresh() {
    for (int i = 0; i < 3; i++) {
      lookups.failed("192.0.2.1", START);
    }
    Instant nextMinute = START.plus(FailedKeyLookups.WINDOW).plusSeconds(1);
    lookups.failed("192.0.2.1", nextMinute);
    lookups.failed("192.0.2.1", nextMinute);

    lookups.checkAllowed("192.0.2.1", nextMinute);
    lookups.failed("192.0.2.1", nextMinute);
    assertThatThrownBy(() -> lookups.checkAllowed("192.0.2.1", nextMinute))
        .isInstanceOf(KeyLookupsRefusedException.class);
  }

  @Test
  void requestsWithoutAnAddressShareOneCount() {
    for (int i = 0; i < 3; i++) {
      lookups.failed(null, START);
    }
    assertThatThrownBy(() -> lookups.checkAllowed(null, START))
        .isInstanceOf(KeyLookupsRefusedException.class);
  }
}
