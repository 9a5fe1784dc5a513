package dev.elbow.snapshot;

/**
 * Whether a data plane listens on a listener's port.
 *
 * @param name {@code namespace/name} of the listener
 * @param port the port
 * @param open true while the port is open
 * @param reason why it could not be opened ("cannot listen on 0.0.0.0:80: Address already in use");
 *     null while open. The data plane keeps trying.
 */
public record ListenerState(String name, int port, boolean open, String reason) {}
