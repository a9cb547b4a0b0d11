package io.secretsbroker.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/** A token credential that hands out {@link FakeKeyVault#TOKEN} and records what it was asked for. */
final class TestCredential implements TokenCredential {
  final List<TokenRequestContext> requests = new CopyOnWriteArrayList<>();

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return Mono.fromCallable(() -> getTokenSync(request));
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    requests.add(request);
    return new AccessToken(FakeKeyVault.TOKEN, OffsetDateTime.now().plusHours(1));
  }
}
