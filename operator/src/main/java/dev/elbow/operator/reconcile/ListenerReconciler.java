package dev.elbow.operator.reconcile;

import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.ConfigCoordinator;
import dev.elbow.operator.status.ListenerStatusFactory;
import dev.elbow.operator.status.MemberCounts;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.ResourceKey;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Writes a Listener's status, the same way {@link BackendServerGroupReconciler} does for groups. A
 * listener's verdict depends on other resources (its group, other listeners on its port); the
 * coordinator re-triggers this reconciler when those change.
 */
@ControllerConfiguration(
    name = "listener",
    triggerReconcilerOnAllEvents = true,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public final class ListenerReconciler implements Reconciler<Listener> {

  private final ConfigCoordinator coordinator;
  private final Clock clock;

  public ListenerReconciler(ConfigCoordinator coordinator, Clock clock) {
    this.coordinator = coordinator;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Listener>> prepareEventSources(EventSourceContext<Listener> context) {
    SimpleInboundEventSource<Listener> coordinatorEvents =
        new SimpleInboundEventSource<>("coordinator");
    coordinator.attachListeners(
        () -> context.getPrimaryCache().list(),
        key -> coordinatorEvents.propagateEvent(new ResourceID(key.name(), key.namespace())));
    return List.of(coordinatorEvents);
  }

  @Override
  public UpdateControl<Listener> reconcile(Listener listener, Context<Listener> context) {
    if (context.isPrimaryResourceDeleted()) {
      coordinator.requestSync();
      return UpdateControl.noUpdate();
    }
    ResourceKey key = ResourceKey.of(listener);
    long generation = Objects.requireNonNullElse(listener.getMetadata().getGeneration(), 0L);
    Judged judged = coordinator.listenerVerdict(key);
    if (judged == null || !judged.isAbout(listener.getMetadata().getUid(), generation)) {
      coordinator.requestSync();
      return UpdateControl.noUpdate();
    }
    if (!coordinator.settled()) {
      return UpdateControl.noUpdate();
    }
    int inService = 0;
    if (listener.getSpec() != null && listener.getSpec().getBackendGroup() != null) {
      ResourceKey groupKey = new ResourceKey(key.namespace(), listener.getSpec().getBackendGroup());
      inService = MemberCounts.inService(coordinator.health(groupKey));
    }
    StatusWriter.write(
        listener,
        ListenerStatusFactory.build(
            listener,
            judged.verdict(),
            coordinator.listenerProgramming(key, judged),
            inService,
            clock.instant()),
        context);
    return UpdateControl.noUpdate();
  }
}
