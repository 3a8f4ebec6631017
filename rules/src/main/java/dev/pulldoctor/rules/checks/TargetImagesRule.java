package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Status;
import java.util.List;

/**
 * A rule about the connector images under diagnosis ({@link Diagnosis#images()}): with none given
 * it has nothing to check and skips, asking for {@code --image}.
 */
interface TargetImagesRule extends Rule {
  @Override
  default List<Result> evaluate(Diagnosis diagnosis) {
    if (diagnosis.images().isEmpty()) {
      return List.of(Result.of(info(), Status.SKIP, "no connector image to check (pass --image)"));
    }
    return evaluate(diagnosis, diagnosis.images());
  }

  /**
   * A skip for {@code image}, whose reference is invalid: image.reference fails it, and {@code
   * consequence} says what the invalid reference means for this check.
   */
  static Result invalidReference(RuleInfo info, TargetImage image, String consequence) {
    return Result.forImage(
        info,
        Status.SKIP,
        image.effective(),
        "the image reference is invalid, so " + consequence + " (see image.reference)");
  }

  /** The check of {@code images}, at least one. */
  List<Result> evaluate(Diagnosis diagnosis, List<TargetImage> images);
}
