package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentEventsTests {

  @Test
  void keepsTheCountAndOnlyTheLastEventsOfAStreamNotCached() {
    SentEvents sent = new SentEvents(false);
    for (int i = 1; i <= 10; i++) {
      sent.add("e" + i);
    }

    assertThat(sent.count()).isEqualTo(10);
    assertThat(sent.tail()).containsExactly("e8", "e9", "e10");
    assertThat(sent.all()).isNull();
  }

  @Test
  void keepsEveryEventOfAStreamThatMayBeCached() {
    SentEvents sent = new SentEvents(true);
    for (int i = 1; i <= 5; i++) {
      sent.add("e" + i);
    }

    assertThat(sent.all()).containsExactly("e1", "e2", "e3", "e4", "e5");
    assertThat(sent.tail()).containsExactly("e3", "e4", "e5");
  }

  @Test
  void stopsKeepingEventsOnceTheyAreTooLargeToCache() {
    SentEvents sent = new SentEvents(true);
    String kilobyte = "x".repeat(1024);
    long events = SentEvents.MAX_CACHED_CHARS / kilobyte.length();
    for (long i = 0; i < events; i++) {
      sent.add(kilobyte);
    }
    assertThat(sent.all()).hasSize((int) events);

    sent.add("one character over");
    sent.add("{\"usage\":{}}");

    assertThat(sent.all()).isNull();
    assertThat(sent.count()).isEqualTo(events + 2);
    assertThat(sent.tail()).containsExactly(kilobyte, "one character over", "{\"usage\":{}}");
  }
}
