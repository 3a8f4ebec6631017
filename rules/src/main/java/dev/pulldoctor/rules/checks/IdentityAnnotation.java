package dev.pulldoctor.rules.checks;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A cloud workload-identity annotation on a ServiceAccount and what is wrong with its value, if
 * anything (k8s-pull-facts.md §4.1-§4.3).
 *
 * @param key the annotation key
 * @param cloud whose identity it names
 * @param value the value as written
 * @param problem why the value is malformed, null when it is well-formed
 */
record IdentityAnnotation(String key, Cloud cloud, String value, @Nullable String problem) {
  static final String IRSA = "eks.amazonaws.com/role-arn";
  static final String ECR_ROLE = "eks.amazonaws.com/ecr-role-arn";
  static final String GKE = "iam.gke.io/gcp-service-account";
  static final String AZURE = "azure.workload.identity/client-id";

  /** The partitions AWS documents; ARNs in any other fail STS's validation. */
  private static final Set<String> PARTITIONS =
      Set.of(
          "aws",
          "aws-cn",
          "aws-us-gov",
          "aws-iso",
          "aws-iso-b",
          "aws-iso-e",
          "aws-iso-f",
          "aws-eusc");

  private static final Pattern ARN = Pattern.compile("^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$");
  private static final Pattern ACCOUNT = Pattern.compile("^\\d{12}$");
  private static final Pattern ROLE_PATH = Pattern.compile("^(/[\\w+=,.@-]+)*/$");
  private static final Pattern ROLE_NAME = Pattern.compile("^[\\w+=,.@-]{1,64}$");

  /**
   * {@code NAME@PROJECT.iam.gserviceaccount.com}: account and project ids are 6-30 lower-case
   * letters, digits and hyphens starting with a letter; domain-scoped projects add labels.
   */
  private static final Pattern GSA =
      Pattern.compile(
          "^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9](\\.[a-z0-9-]+)*"
              + "\\.iam\\.gserviceaccount\\.com$");

  /** Google-managed accounts that are valid emails without the {@code .iam.} form. */
  private static final Pattern GOOGLE_MANAGED_SA =
      Pattern.compile(
          "^(\\d+-compute@developer|[a-z][a-z0-9-]{4,28}[a-z0-9]@appspot)\\.gserviceaccount\\.com$");

  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern AZURE_IDENTITY_ID =
      Pattern.compile(
          "(?i)^/subscriptions/[^/]+/resourcegroups/([^/]+)/providers/"
              + "microsoft\\.managedidentity/userassignedidentities/([^/]+)$");

  /** The identity annotations on {@code account}, in a fixed order. */
  static List<IdentityAnnotation> of(ServiceAccount account) {
    Map<String, String> annotations = account.getMetadata().getAnnotations();
    List<IdentityAnnotation> found = new ArrayList<>();
    if (annotations == null) {
      return found;
    }
    for (String key : List.of(IRSA, ECR_ROLE, GKE, AZURE)) {
      String value = annotations.get(key);
      if (value != null) {
        found.add(check(key, value));
      }
    }
    return found;
  }

  static IdentityAnnotation check(String key, String value) {
    return switch (key) {
      case IRSA, ECR_ROLE -> new IdentityAnnotation(key, Cloud.AWS, value, roleArnProblem(value));
      case GKE -> new IdentityAnnotation(key, Cloud.GCP, value, gsaProblem(value));
      case AZURE -> new IdentityAnnotation(key, Cloud.AZURE, value, clientIdProblem(value));
      default -> throw new IllegalArgumentException("not an identity annotation: " + key);
    };
  }

  boolean wellFormed() {
    return problem == null;
  }

  /** What the value should look like, with an example. */
  String expectedForm() {
    return switch (cloud) {
      case AWS -> "an IAM role ARN such as arn:aws:iam::123456789012:role/airbyte-jobs";
      case GCP ->
          "a Google service account email such as airbyte-jobs@my-project.iam.gserviceaccount.com";
      case AZURE -> "the client ID (a UUID) of a user-assigned managed identity";
    };
  }

  /**
   * A command that prints the right value, when the wrong one says enough to build it (an Azure
   * resource ID names the identity and its resource group).
   */
  @Nullable String lookupCommand() {
    Matcher resourceId = AZURE_IDENTITY_ID.matcher(value.strip());
    if (cloud == Cloud.AZURE && resourceId.matches()) {
      return "az identity show --name "
          + Fixes.shellWord(resourceId.group(2))
          + " --resource-group "
          + Fixes.shellWord(resourceId.group(1))
          + " --query clientId --output tsv";
    }
    return null;
  }

  static @Nullable String roleArnProblem(String value) {
    if (!value.equals(value.strip())) {
      return "has leading or trailing whitespace, which STS rejects";
    }
    Matcher arn = ARN.matcher(value);
    if (!arn.matches()) {
      return value.startsWith("arn:")
          ? "is not a complete ARN (arn:PARTITION:iam::ACCOUNT:role/NAME has six ':'-separated"
              + " parts)"
          : "is not an ARN";
    }
    String partition = arn.group(1);
    if (!PARTITIONS.contains(partition)) {
      return "has partition '" + partition + "', which is not an AWS partition";
    }
    if (!arn.group(2).equals("iam")) {
      return "is an ARN of service '" + arn.group(2) + "', not an IAM role";
    }
    if (!arn.group(3).isEmpty()) {
      return "has region '" + arn.group(3) + "', but IAM ARNs have none (iam::ACCOUNT)";
    }
    if (!ACCOUNT.matcher(arn.group(4)).matches()) {
      return "has account ID '" + arn.group(4) + "', which is not 12 digits";
    }
    String resource = arn.group(5);
    if (!resource.startsWith("role/")) {
      int slash = resource.indexOf('/');
      String type = slash < 0 ? resource : resource.substring(0, slash);
      return "names an IAM " + type + ", not a role";
    }
    String pathAndName = resource.substring("role".length());
    int last = pathAndName.lastIndexOf('/');
    String path = pathAndName.substring(0, last + 1);
    String name = pathAndName.substring(last + 1);
    if (!ROLE_NAME.matcher(name).matches()) {
      return "has role name '"
          + name
          + "', but role names are 1-64 letters, digits and +=,.@_- characters";
    }
    if (!ROLE_PATH.matcher(path).matches()) {
      return "has role path '" + path + "', which is not a valid IAM path";
    }
    return null;
  }

  static @Nullable String gsaProblem(String value) {
    if (GSA.matcher(value).matches() || GOOGLE_MANAGED_SA.matcher(value).matches()) {
      return null;
    }
    if (!value.equals(value.strip())) {
      return "has leading or trailing whitespace";
    }
    if (!value.contains("@")) {
      return "is not an email address";
    }
    if (!value.endsWith(".gserviceaccount.com")) {
      return "is not a Google service account email (it must end in .iam.gserviceaccount.com)";
    }
    if (!value.equals(value.toLowerCase(java.util.Locale.ROOT))) {
      return "has upper-case letters, which service account emails never have";
    }
    return "does not have the form NAME@PROJECT_ID.iam.gserviceaccount.com (NAME and PROJECT_ID"
        + " are 6-30 lower-case letters, digits and hyphens, starting with a letter)";
  }

  static @Nullable String clientIdProblem(String value) {
    if (UUID.matcher(value).matches()) {
      return null;
    }
    if (!value.equals(value.strip())) {
      return "has leading or trailing whitespace";
    }
    if (AZURE_IDENTITY_ID.matcher(value).matches()) {
      return "is the identity's resource ID, not its client ID";
    }
    return "is not a UUID";
  }
}
