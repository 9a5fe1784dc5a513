package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.routing.Member;

/** Hears, on the exchange's event loop, whether a {@link MemberEnd} could be had for it. */
interface MemberCallback {

  /** The end to the member, which may be another member than the one asked for. */
  void connected(MemberEnd end, Member member);

  /** No member took the connection: {@code lastTried} was the last one tried. */
  void failed(Member lastTried, Throwable cause);
}
