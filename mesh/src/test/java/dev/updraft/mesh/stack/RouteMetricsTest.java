package dev.updraft.mesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.balance.FailFastException;
import dev.updraft.mesh.http.AccessLog;
import dev.updraft.mesh.http.CancelledByClient;
import dev.updraft.mesh.http.Exchange;
import dev.updraft.mesh.http.HttpCall;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The top layer: what each request leaves in the route's metrics and in the access log. */
class RouteMetricsTest {
  private final Fixture fixture = new Fixture();
  private final Recorder above = new Recorder();
  private final Recorder.Stack below = new Recorder.Stack();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  private HttpCall call(HttpRequest request) {
    fixture.accessLog = new AccessLog(new PrintStream(log, true, StandardCharsets.UTF_8));
    Exchange exchange = fixture.exchange(fixture.route(), request, false);
    HttpCall call = RouteMetrics.layer().wrap(below).newCall(exchange, above);
    call.start();
    return call;
  }

  @Test
  void aResponseIsCountedWithItsStatusAndLogged() {
    call(Fixture.get("/hello"));
    assertThat(below.last().started).isTrue();
    assertThat(fixture.metricsText())
        .contains(
            "request_total{direction=\"outbound\",target_addr=\"b\",route=\"r\",tls=\"no_identity\",client_id=\"\",server_id=\"\"} 1");
    fixture.advance(5);
    below
        .last()
        .up
        .responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    below.last().up.responseContent(new DefaultLastHttpContent());
    assertThat(above.events).hasSize(2);
    assertThat(fixture.metricsText())
        .containsPattern("response_total\\{[^}]*status_code=\"200\",classification=\"success\"");
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("\"uri\":\"/hello\"")
        .contains("\"status\":200")
        .contains("\"duration_us\":5000");
  }

  @Test
  void aFailureBeforeTheResponseIsCountedAsTheErrorTheClientWillSee() {
    call(Fixture.get("/"));
    FailFastException failFast = new FailFastException("b", 300);
    below.last().up.fail(failFast);
    assertThat(above.failure).isSameAs(failFast);
    assertThat(fixture.metricsText())
        .containsPattern("response_total\\{[^}]*status_code=\"504\"[^}]*error=\"FAIL_FAST\"");
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"error\":\"FAIL_FAST\"");
  }

  @Test
  void grpcClientsSeeFailuresAsA200() {
    HttpRequest request = Fixture.post("/svc/M");
    request.headers().set("content-type", "application/grpc");
    call(request);
    below.last().up.fail(new FailFastException("b", 300));
    assertThat(fixture.metricsText())
        .containsPattern("response_total\\{[^}]*status_code=\"200\"[^}]*error=\"FAIL_FAST\"");
  }

  @Test
  void aClientThatWentAwayLeavesNoResponse() {
    HttpCall call = call(Fixture.get("/"));
    CancelledByClient gone = new CancelledByClient("gone");
    call.cancel(gone);
    assertThat(below.last().cancelled).isSameAs(gone);
    assertThat(fixture.metricsText()).doesNotContain("response_total{");
    assertThat(log.size()).isZero();
  }
}
