package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.pullsecret.Login;
import org.junit.jupiter.api.Test;

class ProbeFindingsTest {
  private static final Login LOGIN = new Login("regcred", "r.example", "robot", "pw");
  private final ProbeFindings withLogin = new ProbeFindings(LOGIN);
  private final ProbeFindings anonymous = new ProbeFindings(null);

  @Test
  void a_refused_anonymous_pull_is_anonymous_rejected_whatever_the_status() {
    Access access = anonymous.denied("team/x", 403, true, RegistryErrors.NONE);

    assertThat(access.outcome()).isEqualTo(AccessOutcome.ANONYMOUS_REJECTED);
    assertThat(access.detail()).isEqualTo("the registry refuses an anonymous pull of team/x (403)");
    assertThat(access.secret()).isNull();
  }

  @Test
  void a_401_from_a_registry_that_checks_credentials_itself_rejects_them() {
    Access access = withLogin.denied("team/x", 401, true, RegistryErrors.NONE);

    assertThat(access.outcome()).isEqualTo(AccessOutcome.REJECTED);
    assertThat(access.secret()).isEqualTo("regcred");
    assertThat(access.username()).isEqualTo("robot");
  }

  @Test
  void a_401_or_403_after_a_token_is_no_pull_access() {
    assertThat(withLogin.denied("team/x", 401, false, RegistryErrors.NONE).outcome())
        .isEqualTo(AccessOutcome.NO_PULL_ACCESS);
    assertThat(withLogin.denied("team/x", 403, true, RegistryErrors.NONE).detail())
        .isEqualTo("the credentials were accepted, but they give no pull access to team/x (403)");
  }

  @Test
  void the_token_service_wording_says_who_asked() {
    assertThat(anonymous.tokenRefused("auth.example", "team/x", 401, RegistryErrors.NONE).detail())
        .isEqualTo("the token service at auth.example answered 401 to an anonymous token request");
    assertThat(withLogin.tokenRefused("auth.example", "team/x", 403, RegistryErrors.NONE).detail())
        .isEqualTo(
            "the token service at auth.example answered 403 to the credentials for"
                + " repository:team/x:pull");
    assertThat(withLogin.noToken("auth.example", 200, true, RegistryErrors.NONE).detail())
        .isEqualTo("the token service at auth.example answered 200 without a token");
  }

  @Test
  void the_registry_error_is_carried() {
    RegistryErrors errors = new RegistryErrors("DENIED", "requested access is denied");

    Access access = withLogin.denied("team/x", 403, true, errors);

    assertThat(access.errorCode()).isEqualTo("DENIED");
    assertThat(access.errorMessage()).isEqualTo("requested access is denied");
    assertThat(access.httpStatus()).isEqualTo(403);
  }
}
