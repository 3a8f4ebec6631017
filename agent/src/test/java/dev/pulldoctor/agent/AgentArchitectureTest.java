package dev.pulldoctor.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent is split by what each package touches (DESIGN.md, "Architecture"). */
class AgentArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.pulldoctor.agent");
  }

  @Test
  void only_cli_uses_picocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.pulldoctor.agent.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .check(classes);
  }

  @Test
  void only_http_uses_javalin() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.pulldoctor.agent.http..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.javalin..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void render_does_not_touch_the_cluster() {
    noClasses()
        .that()
        .resideInAPackage("dev.pulldoctor.agent.render..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8.kubernetes.client..", "dev.pulldoctor.agent.collect..")
        .check(classes);
  }

  @Test
  void the_daemon_core_knows_nothing_of_http_metrics_or_the_cli() {
    noClasses()
        .that()
        .resideInAPackage("dev.pulldoctor.agent.serve..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.pulldoctor.agent.http..",
            "dev.pulldoctor.agent.metrics..",
            "dev.pulldoctor.agent.cli..",
            "io.micrometer..")
        .check(classes);
  }

  @Test
  void only_metrics_and_http_use_micrometer() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.pulldoctor.agent.metrics..", "dev.pulldoctor.agent.http..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.micrometer..")
        .check(classes);
  }

  @Test
  void packages_have_no_cycles() {
    slices().matching("dev.pulldoctor.agent.(*)..").should().beFreeOfCycles().check(classes);
  }
}
