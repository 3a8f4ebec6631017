package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import java.util.ArrayList;
import java.util.List;

/** A rule that checks each connector image under diagnosis on its own: one result per image. */
interface EachImageRule extends TargetImagesRule {
  @Override
  default List<Result> evaluate(Diagnosis diagnosis, List<TargetImage> images) {
    List<Result> results = new ArrayList<>();
    for (TargetImage image : images) {
      results.add(evaluate(diagnosis, image));
    }
    return results;
  }

  /** The check of {@code image}. */
  Result evaluate(Diagnosis diagnosis, TargetImage image);
}
