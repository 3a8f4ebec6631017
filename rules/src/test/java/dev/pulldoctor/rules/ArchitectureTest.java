package dev.pulldoctor.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import dev.pulldoctor.rules.engine.Rule;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;

/** Keeps the rules module pure: a function of a Snapshot, with no I/O, logging or client. */
@AnalyzeClasses(
    packages = "dev.pulldoctor.rules",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule rules_do_no_io =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "java.nio.file..",
              "java.net..",
              "java.nio.channels..",
              "io.fabric8.kubernetes.client..")
          .orShould()
          .dependOnClassesThat()
          .belongToAnyOf(
              File.class,
              FileInputStream.class,
              FileOutputStream.class,
              FileReader.class,
              FileWriter.class,
              RandomAccessFile.class,
              ProcessBuilder.class,
              Runtime.class)
          .because("rules are pure functions of a Snapshot; collectors and bundles live in agent");

  @ArchTest
  static final ArchRule rules_do_not_log =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.slf4j..", "java.util.logging..", "org.apache.logging..")
          .because("findings are the output of rules; logging belongs to agent");

  @ArchTest
  static final ArchRule no_standard_streams =
      GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule rule_classes_are_final =
      classes()
          .that()
          .implement(Rule.class)
          .should()
          .haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
          .andShould()
          .resideInAPackage("dev.pulldoctor.rules.checks..");

  @ArchTest
  static final ArchRule packages_are_free_of_cycles =
      slices().matching("dev.pulldoctor.rules.(*)..").should().beFreeOfCycles();
}
