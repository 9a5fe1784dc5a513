package dev.elbow.operator.reconcile;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.operator.ConfigCoordinator;
import dev.elbow.operator.status.GroupStatusFactory;
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
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Writes a BackendServerGroup's status. Every change to a group asks the coordinator for a sync;
 * the status itself comes from the coordinator's latest view (verdict, what the data planes serve,
 * member health), and the coordinator triggers this reconciler again whenever any of that changes.
 * Deletes trigger it too, so a deleted group leaves the snapshot at once. A group that a Listener
 * forwards to carries a finalizer ({@link InUseFinalizer}) so that deleting it waits until no
 * Listener does. A periodic reconcile is the safety net for a trigger that got lost.
 */
@ControllerConfiguration(
    name = "backendservergroup",
    triggerReconcilerOnAllEvents = true,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public final class BackendServerGroupReconciler implements Reconciler<BackendServerGroup> {

  private static final Duration FINALIZER_RECHECK = Duration.ofMillis(200);

  private final ConfigCoordinator coordinator;
  private final Clock clock;

  public BackendServerGroupReconciler(ConfigCoordinator coordinator, Clock clock) {
    this.coordinator = coordinator;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, BackendServerGroup>> prepareEventSources(
      EventSourceContext<BackendServerGroup> context) {
    SimpleInboundEventSource<BackendServerGroup> coordinatorEvents =
        new SimpleInboundEventSource<>("coordinator");
    coordinator.attachGroups(
        () -> context.getPrimaryCache().list(),
        key -> coordinatorEvents.propagateEvent(new ResourceID(key.name(), key.namespace())));
    return List.of(coordinatorEvents);
  }

  @Override
  public UpdateControl<BackendServerGroup> reconcile(
      BackendServerGroup group, Context<BackendServerGroup> context) {
    if (context.isPrimaryResourceDeleted()) {
      coordinator.requestSync();
      return UpdateControl.noUpdate();
    }
    ResourceKey key = ResourceKey.of(group);
    long generation = Objects.requireNonNullElse(group.getMetadata().getGeneration(), 0L);
    Judged judged = coordinator.groupVerdict(key);
    if (judged == null || !judged.isAbout(group.getMetadata().getUid(), generation)) {
      // Not translated at this generation yet; the coordinator calls back when it is.
      coordinator.requestSync();
      return UpdateControl.noUpdate();
    }
    if (!coordinator.settled()) {
      return UpdateControl.noUpdate(); // the coordinator triggers every resource once settled
    }
    // Only once settled: before, the listener cache may not be full, and a group in use could
    // lose its finalizer.
    List<String> users = coordinator.listenersUsing(key);
    if (users != null && InUseFinalizer.apply(context.getClient(), group, users)) {
      // A change of metadata alone raises no event that reaches this reconciler (only generation
      // changes do), so come back shortly to write status from the updated resource.
      return UpdateControl.<BackendServerGroup>noUpdate().rescheduleAfter(FINALIZER_RECHECK);
    }
    StatusWriter.write(
        group,
        GroupStatusFactory.build(
            group,
            judged.verdict(),
            coordinator.groupProgramming(key, judged),
            coordinator.groupConfig(key),
            coordinator.health(key),
            coordinator.healthyCounts(key),
            coordinator.dataPlanes(),
            group.isMarkedForDeletion() && users != null ? users : List.of(),
            clock.instant()),
        context);
    return UpdateControl.noUpdate();
  }
}
