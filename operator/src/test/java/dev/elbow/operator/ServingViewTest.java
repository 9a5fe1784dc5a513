package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.operator.status.Programming;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServingViewTest {

  private static final ResourceKey WEB = new ResourceKey("shop", "web");
  private static final Judged GEN_2 = new Judged("uid-1", 2, Verdict.accepted("ok"));

  private static ServingView view(
      int dataPlanes, Judged served, Programming blocked, Map<String, String> closed) {
    ServingView.Served carried =
        new ServingView.Served(Map.of(), served == null ? Map.of() : Map.of(WEB, served));
    return new ServingView(
        true, Translation.EMPTY, carried, dataPlanes, blocked, closed, Map.of(), Map.of());
  }

  @Test
  void servedWhenEveryDataPlaneHasThisIncarnationAndGeneration() {
    assertThat(view(2, GEN_2, null, Map.of()).listenerProgramming(WEB, GEN_2).state())
        .isEqualTo(Programming.State.PROGRAMMED);
  }

  @Test
  void aRecreatedResourceIsNotServedJustBecauseItsGenerationMatches() {
    Judged recreated = new Judged("uid-2", 2, Verdict.accepted("ok"));
    assertThat(view(2, GEN_2, null, Map.of()).listenerProgramming(WEB, recreated).state())
        .isEqualTo(Programming.State.PENDING);
  }

  @Test
  void aServedListenerWhosePortIsTakenSomewhereIsReported() {
    Programming programming =
        view(2, GEN_2, null, Map.of("shop/web", "data plane http://a: cannot listen on 0.0.0.0:80"))
            .listenerProgramming(WEB, GEN_2);
    assertThat(programming.state()).isEqualTo(Programming.State.PORT_UNAVAILABLE);
    assertThat(programming.message()).contains("cannot listen");
  }

  @Test
  void whatBlocksTheNewestConfigurationIsTheReasonForEverythingNotServed() {
    Programming refused =
        new Programming(Programming.State.REJECTED, "data plane http://a refused it");
    assertThat(view(1, null, refused, Map.of()).listenerProgramming(WEB, GEN_2)).isEqualTo(refused);
    // What is served stays served, whatever blocks the rest.
    assertThat(view(1, GEN_2, refused, Map.of()).listenerProgramming(WEB, GEN_2).state())
        .isEqualTo(Programming.State.PROGRAMMED);
  }

  @Test
  void withoutDataPlanesNothingIsServed() {
    assertThat(view(0, GEN_2, null, Map.of()).listenerProgramming(WEB, GEN_2).state())
        .isEqualTo(Programming.State.NO_DATA_PLANE);
  }
}
