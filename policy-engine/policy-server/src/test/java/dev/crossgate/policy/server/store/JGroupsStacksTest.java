package dev.crossgate.policy.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.dns.DNS_PING;
import org.junit.jupiter.api.Test;

/** The bundled stacks are valid for the JGroups that Infinispan brings, and take per-engine values. */
class JGroupsStacksTest {

  @Test
  void theTcpStackBuildsAChannelWithThisEnginesPortsAndMembers() throws Exception {
    String xml = JGroupsStacks.substitute(JGroupsStacks.load("jgroups-tcp-local.xml"), Map.of(
        "crossgate.jgroups.bind_port", "27800",
        "crossgate.jgroups.initial_hosts", "127.0.0.1[27800],127.0.0.1[27801]",
        "crossgate.jgroups.fd_offset", "5"));
    try (JChannel channel = channel(xml)) {
      TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
      assertThat(tcp.getBindPort()).isEqualTo(27800);
      assertThat(tcp.getBindAddress().getHostAddress()).isEqualTo("127.0.0.1");
      TCPPING ping = channel.getProtocolStack().findProtocol(TCPPING.class);
      assertThat(ping.getInitialHosts()).hasSize(2);
      FD_SOCK2 fd = channel.getProtocolStack().findProtocol(FD_SOCK2.class);
      assertThat(fd.getOffset()).isEqualTo(5);
    }
  }

  @Test
  void theKubernetesStackBuildsAChannelWithDnsPing() throws Exception {
    String xml = JGroupsStacks.substitute(JGroupsStacks.load("kubernetes"), Map.of(
        "crossgate.jgroups.bind_addr", "127.0.0.1",
        "crossgate.jgroups.dns_query", "policy-engine-headless.crossgate.svc.cluster.local"));
    try (JChannel channel = channel(xml)) {
      DNS_PING ping = channel.getProtocolStack().findProtocol(DNS_PING.class);
      assertThat(ping).isNotNull();
      assertThat(ping.dnsQuery()).isEqualTo("policy-engine-headless.crossgate.svc.cluster.local");
    }
  }

  @Test
  void leavesVariablesItIsNotGivenForJGroupsAndEscapesValues() {
    assertThat(JGroupsStacks.substitute(
        "<TCP a=\"${crossgate.jgroups.x:1}\" b=\"${crossgate.jgroups.y:2}\" c=\"${z}\"/>",
        Map.of("crossgate.jgroups.x", "a\"&b")))
        .isEqualTo("<TCP a=\"a&quot;&amp;b\" b=\"${crossgate.jgroups.y:2}\" c=\"${z}\"/>");
  }

  @Test
  void anUnknownStackIsNamed() {
    assertThatThrownBy(() -> JGroupsStacks.load("nope.xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope.xml'");
  }

  private static JChannel channel(String xml) throws Exception {
    return new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
