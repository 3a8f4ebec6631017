package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values of the cloud workload-identity annotations (k8s-pull-facts.md §4). */
class IdentityAnnotationTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arn:aws:iam::123456789012:role/airbyte-connectors",
        "arn:aws-cn:iam::123456789012:role/airbyte",
        "arn:aws-us-gov:iam::123456789012:role/service-role/airbyte.jobs@acme",
        "arn:aws-iso-b:iam::123456789012:role/a/b/c/airbyte+jobs=1,2",
      })
  void well_formed_role_arns(String arn) {
    assertThat(IdentityAnnotation.roleArnProblem(arn)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "airbyte-connectors | is not an ARN",
        "arn:aws:iam::123456789012 | is not a complete ARN",
        "' arn:aws:iam::123456789012:role/airbyte' | has leading or trailing whitespace",
        "arn:amazon:iam::123456789012:role/airbyte | has partition 'amazon'",
        "arn:aws:sts::123456789012:assumed-role/airbyte/session | is an ARN of service 'sts'",
        "arn:aws:iam:us-east-1:123456789012:role/airbyte | has region 'us-east-1'",
        "arn:aws:iam::12345678901:role/airbyte | has account ID '12345678901'",
        "arn:aws:iam::123456789012:user/airbyte | names an IAM user, not a role",
        "arn:aws:iam::123456789012:policy | names an IAM policy, not a role",
        "arn:aws:iam::123456789012:role/ | has role name ''",
        "arn:aws:iam::123456789012:role/air byte | has role name 'air byte'",
        "arn:aws:iam::123456789012:role/bad path!/airbyte | has role path '/bad path!/'",
      })
  void malformed_role_arns(String arn, String problem) {
    assertThat(IdentityAnnotation.roleArnProblem(arn)).startsWith(problem);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "airbyte-jobs@acme-prod.iam.gserviceaccount.com",
        "airbyte-jobs@acme-prod.example.com.iam.gserviceaccount.com",
        "123456789012-compute@developer.gserviceaccount.com",
        "acme-prod@appspot.gserviceaccount.com",
      })
  void well_formed_google_service_accounts(String email) {
    assertThat(IdentityAnnotation.gsaProblem(email)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "airbyte-jobs | is not an email address",
        "airbyte-jobs@acme-prod | is not a Google service account email",
        "Airbyte-Jobs@acme-prod.iam.gserviceaccount.com | has upper-case letters",
        "'airbyte-jobs@acme-prod.iam.gserviceaccount.com ' | has leading or trailing whitespace",
        "abc@acme-prod.iam.gserviceaccount.com | does not have the form",
      })
  void malformed_google_service_accounts(String email, String problem) {
    assertThat(IdentityAnnotation.gsaProblem(email)).startsWith(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        "8f2c1e4a-7b3d-4c9e-a1f0-5d6e7f8a9b0c | NONE",
        "8F2C1E4A-7B3D-4C9E-A1F0-5D6E7F8A9B0C | NONE",
        "airbyte-jobs | is not a UUID",
        "' 8f2c1e4a-7b3d-4c9e-a1f0-5d6e7f8a9b0c' | has leading or trailing whitespace",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"
            + " | is the identity's resource ID",
      })
  void azure_client_ids(String value, String problem) {
    if (problem == null) {
      assertThat(IdentityAnnotation.clientIdProblem(value)).isNull();
    } else {
      assertThat(IdentityAnnotation.clientIdProblem(value)).startsWith(problem);
    }
  }

  @org.junit.jupiter.api.Test
  void reads_the_identity_annotations_of_a_service_account_in_a_fixed_order() {
    var account =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName("airbyte-admin")
            .addToAnnotations(
                IdentityAnnotation.GKE, "airbyte-jobs@acme-prod.iam.gserviceaccount.com")
            .addToAnnotations(IdentityAnnotation.IRSA, "arn:aws:iam::123456789012:role/x")
            .addToAnnotations("helm.sh/hook", "pre-install")
            .endMetadata()
            .build();

    assertThat(IdentityAnnotation.of(account))
        .extracting(IdentityAnnotation::key, IdentityAnnotation::cloud)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(IdentityAnnotation.IRSA, Cloud.AWS),
            org.assertj.core.groups.Tuple.tuple(IdentityAnnotation.GKE, Cloud.GCP));
  }

  @org.junit.jupiter.api.Test
  void an_azure_resource_id_leads_to_the_command_that_prints_the_client_id() {
    IdentityAnnotation annotation =
        IdentityAnnotation.check(
            IdentityAnnotation.AZURE,
            "/subscriptions/0b9f/resourceGroups/rg-data/providers/Microsoft.ManagedIdentity/"
                + "userAssignedIdentities/airbyte-jobs");

    assertThat(annotation.wellFormed()).isFalse();
    assertThat(annotation.lookupCommand())
        .isEqualTo(
            "az identity show --name airbyte-jobs --resource-group rg-data --query clientId"
                + " --output tsv");
    assertThat(IdentityAnnotation.check(IdentityAnnotation.IRSA, "x").lookupCommand()).isNull();
  }
}
