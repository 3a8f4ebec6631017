package dev.pulldoctor.rules;

import dev.pulldoctor.rules.checks.AirbyteApiRule;
import dev.pulldoctor.rules.checks.CloudIdentityRule;
import dev.pulldoctor.rules.checks.EgressPolicyRule;
import dev.pulldoctor.rules.checks.ImageReferenceRule;
import dev.pulldoctor.rules.checks.JobLauncherRbacRule;
import dev.pulldoctor.rules.checks.KindImageLoadedRule;
import dev.pulldoctor.rules.checks.KindPullPolicyRule;
import dev.pulldoctor.rules.checks.LauncherPullSecretEnvRule;
import dev.pulldoctor.rules.checks.LauncherRolloutRule;
import dev.pulldoctor.rules.checks.PullFailureEventsRule;
import dev.pulldoctor.rules.checks.PullSecretCredentialsRule;
import dev.pulldoctor.rules.checks.PullSecretExistsRule;
import dev.pulldoctor.rules.checks.PullSecretFormatRule;
import dev.pulldoctor.rules.checks.PullSecretRegistryMatchRule;
import dev.pulldoctor.rules.checks.RegistryActivePullRule;
import dev.pulldoctor.rules.checks.RegistryImageExistsRule;
import dev.pulldoctor.rules.checks.RegistryPlatformRule;
import dev.pulldoctor.rules.checks.RegistryReachableRule;
import dev.pulldoctor.rules.checks.ServiceAccountExistsRule;
import dev.pulldoctor.rules.checks.ShadowedPullSecretsRule;
import dev.pulldoctor.rules.checks.TokenExpiryRule;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.util.List;
import java.util.Optional;

/** Every built-in rule, sorted by id: one explicit list, no discovery. */
public final class Rules {
  private static final List<Rule> ALL =
      List.of(
          // keep-sorted start (by rule id)
          new AirbyteApiRule(),
          new PullFailureEventsRule(),
          new ImageReferenceRule(),
          new KindImageLoadedRule(),
          new KindPullPolicyRule(),
          new LauncherPullSecretEnvRule(),
          new LauncherRolloutRule(),
          new EgressPolicyRule(),
          new PullSecretCredentialsRule(),
          new PullSecretExistsRule(),
          new PullSecretFormatRule(),
          new PullSecretRegistryMatchRule(),
          new TokenExpiryRule(),
          new JobLauncherRbacRule(),
          new RegistryActivePullRule(),
          new RegistryImageExistsRule(),
          new RegistryPlatformRule(),
          new RegistryReachableRule(),
          new CloudIdentityRule(),
          new ServiceAccountExistsRule(),
          new ShadowedPullSecretsRule()
          // keep-sorted end
          );

  private Rules() {}

  public static List<Rule> all() {
    return ALL;
  }

  public static Optional<Rule> byId(String id) {
    return ALL.stream().filter(r -> r.info().id().equals(id)).findFirst();
  }

  public static List<String> ids() {
    return ALL.stream().map(Rule::info).map(RuleInfo::id).toList();
  }
}
