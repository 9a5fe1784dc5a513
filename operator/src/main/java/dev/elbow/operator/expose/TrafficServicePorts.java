package dev.elbow.operator.expose;

import dev.elbow.snapshot.ListenerConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The traffic Service's ports for the Listeners a snapshot serves: one per port and transport,
 * named {@code tcp-80} or {@code udp-53}. HTTP and HTTPS listeners are TCP ports; a UDP listener
 * may share its number with a TCP one, as the data plane allows.
 */
public final class TrafficServicePorts {

  private TrafficServicePorts() {}

  /** The ports, sorted by number then transport, so an unchanged set compares equal. */
  public static List<ServicePort> of(List<ListenerConfig> listeners) {
    return listeners.stream()
        .map(l -> (l.isDatagram() ? "UDP" : "TCP") + ":" + l.port())
        .distinct()
        .map(TrafficServicePorts::port)
        .sorted(Comparator.comparing(ServicePort::getPort).thenComparing(ServicePort::getProtocol))
        .toList();
  }

  private static ServicePort port(String protocolAndPort) {
    String[] parts = protocolAndPort.split(":");
    int number = Integer.parseInt(parts[1]);
    return new ServicePortBuilder()
        .withName(parts[0].toLowerCase(Locale.ROOT) + "-" + number)
        .withProtocol(parts[0])
        .withPort(number)
        .withTargetPort(new IntOrString(number))
        .build();
  }
}
