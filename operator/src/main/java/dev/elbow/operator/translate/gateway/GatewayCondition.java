package dev.elbow.operator.translate.gateway;

/**
 * A condition of a Gateway API object's status, as translation decides it; the status writer adds
 * the generation and the transition time.
 *
 * @param type Accepted, Programmed, ResolvedRefs or Conflicted
 * @param status the condition holds
 * @param reason the CamelCase reason Gateway API names for this outcome
 * @param message what is wrong and how to fix it, naming the field; or what is right
 */
public record GatewayCondition(String type, boolean status, String reason, String message) {

  static GatewayCondition yes(String type, String reason, String message) {
    return new GatewayCondition(type, true, reason, message);
  }

  static GatewayCondition no(String type, String reason, String message) {
    return new GatewayCondition(type, false, reason, message);
  }
}
