package dev.elbow.snapshot;

import java.time.Instant;

/**
 * A member's health as one data plane sees it.
 *
 * @param address the member's address
 * @param port the member's port
 * @param state the current state
 * @param reason why the last check failed ("connection refused", "HTTP 503", "timeout after 3s");
 *     null while checks pass
 * @param since when the member entered this state
 */
public record MemberHealth(
    String address, int port, HealthState state, String reason, Instant since) {}
