package dev.pulldoctor.agent.collect;

import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pull secrets Airbyte names one GET at a time, for an identity that may not list Secrets
 * but may get some by name (an RBAC rule with {@code resourceNames}). A name that cannot exist is
 * not asked for; a name the API server answers 404 for is absent, which the rules report; a name it
 * refuses (403) becomes a {@link CollectionError} for {@code get secrets}, so the secret rules
 * report {@code error} naming the permission instead of calling the secret missing.
 */
final class NamedSecrets {
  private static final Logger logger = LoggerFactory.getLogger(NamedSecrets.class);
  // Airbyte's list is operator input; more names than this is a misconfiguration, not a request
  // budget to spend.
  private static final int MAX_NAMES = 20;
  // Object names the API server accepts (RFC 1123 subdomain): others cannot exist.
  private static final Pattern NAME =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");

  private NamedSecrets() {}

  /**
   * The secrets job pods refer to in {@code namespace}: Airbyte's pull-secret list and the job
   * service account's {@code imagePullSecrets}, in that order, without names that cannot exist.
   */
  static List<String> referenced(
      AirbyteInstall install, List<ServiceAccount> accounts, String namespace) {
    Set<String> names = new LinkedHashSet<>(install.pullSecretNames());
    if (namespace.equals(install.jobNamespace())) {
      accounts.stream()
          .filter(sa -> install.jobServiceAccount().equals(sa.getMetadata().getName()))
          .filter(sa -> sa.getImagePullSecrets() != null)
          .flatMap(sa -> sa.getImagePullSecrets().stream())
          .map(LocalObjectReference::getName)
          .filter(Objects::nonNull)
          .forEach(names::add);
    }
    return names.stream().filter(n -> NAME.matcher(n).matches()).limit(MAX_NAMES).toList();
  }

  /**
   * Gets each of {@code names} in {@code namespace}, reduced to {@link SecretInfo} at once.
   *
   * @return the secrets that exist and could be read
   */
  static List<SecretInfo> read(
      KubernetesClient client, Snapshot.Builder builder, String namespace, List<String> names) {
    List<SecretInfo> found = new ArrayList<>();
    boolean refused = false;
    for (String name : names) {
      Secret secret;
      try {
        secret = client.secrets().inNamespace(namespace).withName(name).get();
      } catch (KubernetesClientException e) {
        // Never log the exception or the object: their text can quote the response.
        logger.debug("get Secret {}/{} failed (HTTP {})", namespace, name, e.getCode());
        if (!refused) {
          refused = true;
          CollectionError error =
              new CollectionError(
                  "secrets",
                  "",
                  namespace,
                  "get",
                  e.getCode(),
                  e.getCode() == 403 ? "Forbidden" : "HTTP " + e.getCode());
          logger.warn("{}", error.describe());
          builder.collectionError(error);
        }
        continue;
      }
      if (secret != null) {
        found.add(SecretInfo.from(secret));
      }
    }
    logger.debug(
        "read {} of {} named secrets in namespace {}", found.size(), names.size(), namespace);
    return found;
  }
}
