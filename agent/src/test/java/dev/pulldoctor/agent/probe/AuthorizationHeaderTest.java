package dev.pulldoctor.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.pullsecret.Login;
import org.junit.jupiter.api.Test;

class AuthorizationHeaderTest {

  @Test
  void basic_is_rfc_7617_user_colon_password_in_base64() {
    // RFC 7617 section 2's example
    assertThat(AuthorizationHeader.basic("Aladdin", "open sesame"))
        .isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assertThat(
            AuthorizationHeader.basic(new Login("regcred", "r.example", "Aladdin", "open sesame")))
        .isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  }

  @Test
  void basic_encodes_utf_8() {
    assertThat(AuthorizationHeader.basic("test", "123£")).isEqualTo("Basic dGVzdDoxMjPCow==");
  }

  @Test
  void proxy_user_info_is_encoded_as_it_is() {
    assertThat(AuthorizationHeader.basicOf("Aladdin:open sesame"))
        .isEqualTo(AuthorizationHeader.basic("Aladdin", "open sesame"));
    assertThat(AuthorizationHeader.basicOf("alone")).isEqualTo("Basic YWxvbmU=");
  }

  @Test
  void bearer_carries_the_token() {
    assertThat(AuthorizationHeader.bearer("t0ken")).isEqualTo("Bearer t0ken");
  }

  @Test
  void the_scrubbed_forms_include_what_basic_sends() {
    String credentials = AuthorizationHeader.basicCredentials("user", "pass");

    assertThat(AuthorizationHeader.basic("user", "pass")).isEqualTo("Basic " + credentials);
    assertThat(ProbeText.secretForms("user", "pass")).containsExactly("pass", credentials);
  }
}
