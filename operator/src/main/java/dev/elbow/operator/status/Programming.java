package dev.elbow.operator.status;

/**
 * Whether the data planes serve a resource's current spec.
 *
 * @param state where the resource stands
 * @param message details for the Ready condition
 */
public record Programming(State state, String message) {

  /** Where a resource stands with the data planes. */
  public enum State {
    /** Every data plane serves this generation of the resource. */
    PROGRAMMED,
    /** The snapshot with this generation is on its way. */
    PENDING,
    /** The operator knows of no data plane to push to. */
    NO_DATA_PLANE,
    /** A data plane refused the snapshot because of this resource. */
    REJECTED
  }

  public static Programming programmed() {
    return new Programming(State.PROGRAMMED, "served by every data plane");
  }

  /** The Ready reason for a resource that is not programmed. */
  public String reason() {
    return switch (state) {
      case PROGRAMMED -> "Programmed";
      case PENDING -> "Pending";
      case NO_DATA_PLANE -> "NoDataPlane";
      case REJECTED -> "Rejected";
    };
  }
}
