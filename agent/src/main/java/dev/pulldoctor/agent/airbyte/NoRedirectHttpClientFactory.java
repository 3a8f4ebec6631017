package dev.pulldoctor.agent.airbyte;

import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;

/**
 * fabric8's JDK client follows every redirect ({@code Redirect.ALWAYS}), and the JDK then resends
 * the Authorization and Cookie headers to whatever host the Location names. Requests through the
 * service proxy carry both the Kubernetes credentials and Airbyte's token, so this client follows
 * none; {@code additionalConfig} runs after fabric8 sets its redirect policy.
 */
final class NoRedirectHttpClientFactory extends JdkHttpClientFactory {
  @Override
  protected void additionalConfig(HttpClient.Builder builder) {
    builder.followRedirects(HttpClient.Redirect.NEVER);
  }
}
