package dev.pulldoctor.rules;

import dev.pulldoctor.rules.engine.Diagnosis;
import java.nio.file.Path;
import java.util.List;

/** Loads rule fixtures for tests in other packages. */
public final class FixtureAccess {
  private static final Path DIR = RuleFixtureTest.FIXTURES;

  private FixtureAccess() {}

  /** The diagnosis of {@code fixtures/<relative>}. */
  public static Diagnosis diagnosis(String relative) throws Exception {
    return Fixture.load(DIR.resolve(relative)).diagnosis();
  }

  /** The same snapshot, diagnosed for other images. */
  public static Diagnosis diagnosis(String relative, List<String> images) throws Exception {
    Diagnosis loaded = diagnosis(relative);
    return Diagnosis.of(loaded.snapshot(), loaded.now(), loaded.offline(), images);
  }
}
