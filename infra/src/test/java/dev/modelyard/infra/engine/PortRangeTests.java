package dev.modelyard.infra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortRangeTests {

  @Test
  void readsARangeOnePortOrAnyPort() {
    assertThat(PortRange.parse("20000-20999")).isEqualTo(new PortRange(20000, 20999));
    assertThat(PortRange.parse(" 8080 ")).isEqualTo(new PortRange(8080, 8080));
    assertThat(PortRange.parse("0")).isSameAs(PortRange.ANY);
  }

  @Test
  void writesWhatItReads() {
    for (String text : List.of("20000-20999", "8080", "0")) {
      assertThat(PortRange.parse(text)).hasToString(text);
    }
  }

  @Test
  void refusesWhatIsNotARangeOfPorts() {
    for (String bad : List.of("", "abc", "20999-20000", "0-10", "1-70000", "20000-", "-5")) {
      assertThatThrownBy(() -> PortRange.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("port range");
    }
  }

  @Test
  void bindsAPortOfTheRangeSkippingTakenOnes() throws IOException {
    PortRange range = new PortRange(1000, 1002);
    List<Integer> tried = new ArrayList<>();

    int bound =
        range.bind(
            port -> {
              tried.add(port);
              if (tried.size() < 3) {
                throw new BindException("Address already in use");
              }
              return port;
            });

    assertThat(tried).hasSize(3).doesNotHaveDuplicates().allMatch(range::contains);
    assertThat(bound).isEqualTo(tried.getLast());
  }

  @Test
  void saysWhyWhenNoPortOfTheRangeBinds() {
    PortRange range = new PortRange(1000, 1001);

    assertThatThrownBy(
            () ->
                range.bind(
                    port -> {
                      throw new BindException("Cannot assign requested address");
                    }))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("1000-1001")
        .hasMessageContaining("Cannot assign requested address");
  }

  @Test
  void leavesTheChoiceToTheSystemForAnyPort() throws IOException {
    InetAddress loopback = InetAddress.ofLiteral("127.0.0.1");
    try (ServerSocket socket = PortRange.ANY.bind(port -> new ServerSocket(port, 1, loopback))) {
      assertThat(socket.getLocalPort()).isPositive();
    }
  }
}
