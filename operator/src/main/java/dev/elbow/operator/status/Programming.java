package dev.elbow.operator.status;

/**
 * Whether the data planes serve a resource's current spec, and if not, why.
 *
 * @param state where the resource stands
 * @param message details for the Ready condition
 */
public record Programming(State state, String message) {

  /** Where a resource stands with the data planes. */
  public enum State {
    /** Every data plane serves this generation of the resource. */
    PROGRAMMED("Programmed"),
    /** The configuration with this generation is on its way. */
    PENDING("Pending"),
    /** The operator knows of no data plane to push to. */
    NO_DATA_PLANE("NoDataPlane"),
    /** A data plane cannot be reached, so it does not have this generation. */
    UNREACHABLE("DataPlaneUnreachable"),
    /** A data plane refused the configuration. */
    REJECTED("Rejected"),
    /** Served, but a data plane cannot open the listener's port; it keeps trying. */
    PORT_UNAVAILABLE("PortUnavailable"),
    /** The operator itself failed to sync; its log says more. */
    OPERATOR_ERROR("OperatorError");

    private final String reason;

    State(String reason) {
      this.reason = reason;
    }
  }

  public static Programming programmed() {
    return new Programming(State.PROGRAMMED, "served by every data plane");
  }

  /** The Ready condition's reason for this state. */
  public String reason() {
    return state.reason;
  }
}
