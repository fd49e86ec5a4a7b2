package dev.updraft.cli.mesh;

import dev.updraft.deploy.kubernetes.TokenReviews;
import dev.updraft.mesh.config.Durations;
import dev.updraft.mesh.config.HostPort;
import dev.updraft.mesh.identity.CaFiles;
import dev.updraft.mesh.identity.CertificateAuthority;
import dev.updraft.mesh.identity.IdentityServer;
import dev.updraft.mesh.identity.LocalTokens;
import dev.updraft.mesh.identity.TokenVerifier;
import dev.updraft.mesh.identity.WorkloadName;
import dev.updraft.mesh.transport.Transport;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code updraft mesh identity}: the mesh's certificate authority and its Certify API, as Linkerd's
 * identity controller. Also hands out local tokens and rotates the trust anchor.
 */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description = {
      "Run the mesh identity service: a CA (ECDSA P-256 trust anchor and issuer, kept in --dir)"
          + " that signs proxies' CSRs once their token proves who they are.",
      "Proxies trust DIR/anchors.pem. --issue-token NAME prints a token for one workload identity"
          + " and exits; --rotate-anchor starts an anchor rotation (both anchors trusted),"
          + " --drop-old-anchor ends it."
    })
public final class IdentityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "CA directory.")
  Path dir;

  @Option(
      names = "--listen",
      paramLabel = "ADDR",
      description = "Certify API address (default 127.0.0.1:8080).")
  String listen = "127.0.0.1:8080";

  @Option(
      names = "--trust-domain",
      paramLabel = "DOMAIN",
      description = "Trust domain (default cluster.local).")
  String trustDomain = "cluster.local";

  @Option(
      names = "--control-namespace",
      paramLabel = "NS",
      description = "Namespace of the identity service in identities (default updraft).")
  String controlNamespace = "updraft";

  @Option(
      names = "--lifetime",
      paramLabel = "DURATION",
      description = "Leaf certificate lifetime (default 24h).")
  String lifetime = "24h";

  @Option(
      names = "--issue-token",
      paramLabel = "IDENTITY",
      description = "Print a new token for this workload identity and exit.")
  String issueToken;

  @Option(names = "--rotate-anchor", description = "Start an anchor rotation and exit.")
  boolean rotateAnchor;

  @Option(names = "--drop-old-anchor", description = "Finish an anchor rotation and exit.")
  boolean dropOldAnchor;

  @Option(
      names = "--kubernetes-token-review",
      description =
          "Check tokens with the Kubernetes API (TokenReview; projected ServiceAccount tokens),"
              + " through the in-cluster or kubeconfig credentials, instead of DIR/tokens.")
  boolean tokenReview;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration life = Durations.parse("--lifetime", lifetime);
    CertificateAuthority ca = CaFiles.loadOrCreate(dir, trustDomain, life, Clock.systemUTC());
    Path tokensFile = dir.resolve("tokens");
    if (issueToken != null) {
      WorkloadName name = WorkloadName.parse("--issue-token", issueToken);
      LocalTokens tokens = LocalTokens.load(tokensFile);
      String token = tokens.issue(name);
      tokens.save(tokensFile);
      out.println(token);
      return 0;
    }
    if (rotateAnchor || dropOldAnchor) {
      CaFiles.save(dir, rotateAnchor ? ca.rotateAnchor() : ca.dropOldAnchor());
      out.println("trust bundle: " + dir.resolve(CaFiles.BUNDLE) + " (give it to every proxy)");
      return 0;
    }
    // The token table is read at every request, so tokens issued while it runs are honoured.
    TokenVerifier tokens =
        tokenReview
            ? new TokenReviews(
                new KubernetesClientBuilder().build(), controlNamespace, ca.trustDomain())
            : (token, claimed) -> LocalTokens.load(tokensFile).verify(token, claimed);
    IdentityServer server =
        IdentityServer.start(
            ca,
            controlNamespace,
            tokens,
            HostPort.parse("--listen", listen).resolve(),
            Transport.select(false));
    out.println(
        "updraft mesh identity: https://"
            + server.address().getHostString()
            + ":"
            + server.address().getPort()
            + " as "
            + server.name()
            + ", trust bundle "
            + dir.resolve(CaFiles.BUNDLE));
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "identity-shutdown"));
    stopped.await();
    return 0;
  }
}
