package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code helm install} tells the user: how to see the first run and open the report. */
class ChartNotesTest {
  @Test
  void notes_say_how_to_see_the_first_run_and_open_the_report(@TempDir Path scratch)
      throws Exception {
    String notes = Chart.notes(Map.of(), scratch);

    assertThat(notes)
        .contains("diagnoses the Airbyte install in namespace airbyte")
        .contains("kubectl -n airbyte rollout status deployment/pd-pulldoctor")
        .contains("kubectl -n airbyte logs deployment/pd-pulldoctor | grep 'run ('")
        .contains(
            "kubectl get --raw"
                + " /api/v1/namespaces/airbyte/services/pd-pulldoctor:http/proxy/api/v1/report")
        .contains("kubectl -n airbyte port-forward service/pd-pulldoctor 8080:8080")
        .contains("http://127.0.0.1:8080/")
        .contains("import dashboards/grafana/pulldoctor.json")
        .doesNotContain("rbac.secrets.mode=none");
  }

  @Test
  void with_the_default_image_the_notes_first_warn_that_it_must_be_built_and_pushed(
      @TempDir Path scratch) throws Exception {
    String notes = Chart.notes(Map.of(), scratch);

    assertThat(notes)
        .startsWith(
            "WARNING: image.repository is left at its default, pulldoctor, and no registry"
                + " serves pulldoctor:"
                + Chart.appVersion()
                + ": the pod will fail with ErrImagePull.")
        .contains("mvn -B -Pimage package jib:build -Dimage=registry.example.com/team/pulldoctor:")
        .contains(
            "helm upgrade pd <chart> -n airbyte --reuse-values"
                + " --set image.repository=registry.example.com/team/pulldoctor");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "image.repository, registry.example.com/team/pulldoctor",
    // The image was loaded into the nodes (kind load, ctr images import): nothing is pulled.
    "image.pullPolicy, Never"
  })
  void with_an_image_repository_set_or_a_preloaded_image_there_is_no_image_warning(
      String key, String value, @TempDir Path scratch) throws Exception {
    String notes = Chart.notes(Map.of(key, value), scratch);

    assertThat(notes)
        .startsWith("pulldoctor " + Chart.appVersion() + " diagnoses")
        .doesNotContain("WARNING")
        .doesNotContain("jib:build");
  }

  @Test
  void without_secret_access_the_notes_say_how_to_enable_it(@TempDir Path scratch)
      throws Exception {
    String notes =
        Chart.notes(
            Map.of("rbac.secrets.mode", "none", "airbyte.jobNamespace", "airbyte-jobs"), scratch);

    assertThat(notes)
        .contains("(connector pods in namespace airbyte-jobs)")
        .contains("the pull-secret checks report 'error'")
        .contains("--set rbac.secrets.mode=names --set 'rbac.secrets.names={regcred}'");
  }

  @Test
  void with_a_run_token_the_notes_show_how_to_ask_for_a_run(@TempDir Path scratch)
      throws Exception {
    String notes =
        Chart.notes(
            Map.of("runToken.existingSecret", "pd-token", "prometheusRule.enabled", "true"),
            scratch);

    assertThat(notes)
        .contains("kubectl -n airbyte get secret pd-token -o jsonpath='{.data.token}'")
        .contains("http://127.0.0.1:8080/api/v1/run")
        .contains(
            "Alerts: PrometheusRule pd-pulldoctor: one alert per failing critical rule family")
        .contains("runbooks under https://github.com/pulldoctor/pulldoctor/blob/main/docs/.");
  }
}
