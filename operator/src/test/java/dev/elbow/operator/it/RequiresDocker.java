package dev.elbow.operator.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a test class only where a Docker engine answers; elsewhere its tests are reported as
 * skipped, with the reason.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresDocker.Condition.class)
@interface RequiresDocker {

  /** The check behind the annotation. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return DockerClientFactory.instance().isDockerAvailable()
          ? ConditionEvaluationResult.enabled("a Docker engine is available")
          : ConditionEvaluationResult.disabled(
              "no Docker engine here, so no K3s container can run");
    }
  }
}
