package dev.elbow.snapshot;

/**
 * A frontend port and the group it forwards to.
 *
 * @param name {@code namespace/name} of the Listener resource
 * @param protocol the protocol clients speak to this port
 * @param port the port the data plane opens, 1-65535
 * @param group name of the {@link GroupConfig} that receives the traffic
 */
public record ListenerConfig(String name, ListenerProtocol protocol, int port, String group) {}
