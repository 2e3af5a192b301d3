package dev.modelyard.infra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class InstanceNetworkTests {

  @Test
  void defaultsToLoopbackAndAnyPort() {
    assertThat(InstanceNetwork.LOOPBACK.address().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(InstanceNetwork.LOOPBACK.ports()).isEqualTo(PortRange.ANY);
    assertThat(InstanceNetwork.LOOPBACK.endpoint(41234))
        .isEqualTo(URI.create("http://127.0.0.1:41234"));
  }

  @Test
  void bracketsAnIpv6AddressInTheUrl() {
    InstanceNetwork network = new InstanceNetwork(InetAddress.ofLiteral("fd00::12"), PortRange.ANY);

    assertThat(network.endpoint(20000)).isEqualTo(URI.create("http://[fd00:0:0:0:0:0:0:12]:20000"));
    assertThat(network.endpoint(20000).getPort()).isEqualTo(20000);
  }

  @Test
  void refusesTheWildcardAddressWhichNoClientCanBeSentTo() {
    assertThatThrownBy(() -> new InstanceNetwork(InetAddress.ofLiteral("0.0.0.0"), PortRange.ANY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wildcard");
  }
}
