package dev.elbow.dataplane.proxy.udp;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a UDP listener port dropped, and why. Datagrams are never queued: each of these is a
 * datagram or flow that went nowhere, counted so it can be seen.
 */
public final class UdpCounters {

  /** New flows refused because the flow table was full. */
  public final LongAdder flowsRefused = new LongAdder();

  /** Datagrams that claim to be QUIC version 1 or 2 and break its rules. */
  public final LongAdder malformed = new LongAdder();

  /** Datagrams that arrived while the group had no member to take them. */
  public final LongAdder noMember = new LongAdder();

  /** Datagrams larger than {@link UdpDatagrams#MAX_PAYLOAD}, either way. */
  public final LongAdder oversized = new LongAdder();

  /** Datagrams dropped because a new flow's queue was full while its member socket connected. */
  public final LongAdder queueFull = new LongAdder();

  /** Flows ended because their member answered with ICMP port-unreachable. */
  public final LongAdder unreachable = new LongAdder();

  /** Flows opened, in total. */
  public final LongAdder flowsOpened = new LongAdder();

  /** Flows open now, over every socket of the port. */
  public final LongAdder flowsOpen = new LongAdder();

  /** The counters by name, for the admin API. */
  public java.util.Map<String, Long> asMap() {
    java.util.Map<String, Long> map = new java.util.LinkedHashMap<>();
    map.put("flowsOpen", flowsOpen.sum());
    map.put("flowsOpened", flowsOpened.sum());
    map.put("flowsRefused", flowsRefused.sum());
    map.put("malformed", malformed.sum());
    map.put("noMember", noMember.sum());
    map.put("oversized", oversized.sum());
    map.put("queueFull", queueFull.sum());
    map.put("unreachable", unreachable.sum());
    return map;
  }
}
