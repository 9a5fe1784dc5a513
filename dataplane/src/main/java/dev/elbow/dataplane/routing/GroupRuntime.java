package dev.elbow.dataplane.routing;

import dev.elbow.dataplane.lb.SmoothWeightedRoundRobin;
import dev.elbow.snapshot.GroupConfig;
import java.util.List;

/**
 * A backend group in service: its members and the picker over those that may take traffic now.
 *
 * <p>The picker is rebuilt whenever a member's health changes, off the request path; requests only
 * read the current {@link Selection}, so picking takes no lock.
 */
public final class GroupRuntime {

  private final GroupConfig config;
  private final List<Member> members;
  private volatile Selection selection;

  GroupRuntime(GroupConfig config, List<Member> members) {
    this.config = config;
    this.members = List.copyOf(members);
    this.selection = Selection.of(this.members);
  }

  public GroupConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public List<Member> members() {
    return members;
  }

  /** The member for the next connection or request, or null when none may take traffic. */
  public Member pick() {
    Selection current = selection;
    int index = current.picker.next();
    return index < 0 ? null : current.eligible[index];
  }

  /** Another member than {@code failed}, for the one retry after a failed connect; or null. */
  public Member pickOtherThan(Member failed) {
    Selection current = selection;
    int avoid = -1;
    for (int i = 0; i < current.eligible.length; i++) {
      if (current.eligible[i] == failed) {
        avoid = i;
        break;
      }
    }
    int index = current.picker.nextOtherThan(avoid);
    return index < 0 ? null : current.eligible[index];
  }

  /**
   * Rebuilds the picker from the members' current health. Synchronized so two health changes on
   * different event loops cannot publish a selection that misses one of them.
   */
  public synchronized void refresh() {
    selection = Selection.of(members);
  }

  /** The members that may take traffic now, and the picker over them. */
  private record Selection(Member[] eligible, SmoothWeightedRoundRobin picker) {

    static Selection of(List<Member> members) {
      Member[] eligible = members.stream().filter(Member::inService).toArray(Member[]::new);
      if (eligible.length == 0) {
        // Before the first checks finish nothing is healthy yet; trying untested members beats
        // refusing every request. Members known to be unhealthy are never tried.
        eligible = members.stream().filter(Member::untested).toArray(Member[]::new);
      }
      int[] weights = new int[eligible.length];
      for (int i = 0; i < eligible.length; i++) {
        weights[i] = eligible[i].weight();
      }
      return new Selection(eligible, SmoothWeightedRoundRobin.of(weights));
    }
  }
}
