package dev.updraft.vmm.mmds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.vmm.json.JsonText;
import dev.updraft.vmm.metrics.Counters;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the guest's HTTP requests get: Firecracker's V1/V2, JSON/IMDS and error rules. */
class MmdsHttpTest {
  private final Mmds mmds = new Mmds(51200);
  private final Counters counters = new Counters("mmds");
  private final MmdsHttp http = new MmdsHttp(mmds, counters);

  MmdsHttpTest() {
    mmds.put(
        JsonText.parse(
            ("{\"latest\":{\"meta-data\":{\"ami-id\":\"ami-87654321\",\"reservation-id\":"
                    + "\"r-79054aef\",\"count\":3,\"tags\":{}}}}")
                .getBytes(StandardCharsets.UTF_8)));
  }

  private record Reply(int status, String type, String body, String allow, String ttl) {}

  private Reply call(HttpMethod method, String uri, String... headers) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    FullHttpResponse response = http.respond(request);
    try {
      return new Reply(
          response.status().code(),
          response.headers().get("Content-Type"),
          response.content().toString(StandardCharsets.UTF_8),
          response.headers().get("Allow"),
          response.headers().get("X-metadata-token-ttl-seconds"));
    } finally {
      response.release();
    }
  }

  private Reply get(String uri, String... headers) {
    return call(HttpMethod.GET, uri, headers);
  }

  private long counter(String name) {
    return counters.snapshot().getOrDefault(name, 0L);
  }

  @Test
  void getReturnsJsonOrImds() {
    assertThat(get("/latest/meta-data", "Accept", "application/json"))
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.type()).isEqualTo("application/json");
              assertThat(r.body())
                  .isEqualTo(
                      "{\"ami-id\":\"ami-87654321\",\"reservation-id\":\"r-79054aef\","
                          + "\"count\":3,\"tags\":{}}");
            });
    assertThat(get("/latest/meta-data/ami-id", "Accept", "application/json").body())
        .isEqualTo("\"ami-87654321\"");
    assertThat(get("/latest/meta-data/", "Accept", "*/*"))
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("text/plain");
              assertThat(r.body()).isEqualTo("ami-id\nreservation-id\ncount\ntags/");
            });
    assertThat(get("/latest/meta-data/ami-id").body()).isEqualTo("ami-87654321");
    assertThat(get("//latest///meta-data//ami-id?x=1").body())
        .as("slashes collapse")
        .isEqualTo("ami-87654321");
    assertThat(get("http://169.254.169.254/latest/meta-data/ami-id").body())
        .isEqualTo("ami-87654321");
    assertThat(get("/latest/meta-data/count").status())
        .as("no IMDS form for a number")
        .isEqualTo(501);
    assertThat(get("/latest/nothing"))
        .isEqualTo(
            new Reply(404, "text/plain", "Resource not found: /latest/nothing.", null, null));
    assertThat(counter("rx_no_token")).as("V1 counts what V2 would refuse").isEqualTo(8);
  }

  @Test
  void imdsCompatAnswersTextWhateverIsAccepted() {
    mmds.configure(MmdsVersion.V1, true, "vm");
    assertThat(get("/latest", "Accept", "application/json"))
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("text/plain");
              assertThat(r.body()).isEqualTo("meta-data/");
            });
  }

  @Test
  void v2NeedsASessionToken() {
    mmds.configure(MmdsVersion.V2, false, "vm");
    assertThat(get("/latest"))
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(401);
              assertThat(r.body()).startsWith("No MMDS token provided.");
            });
    assertThat(get("/latest", "X-metadata-token", "bogus").body())
        .isEqualTo("MMDS token not valid.");
    Reply issued =
        call(HttpMethod.PUT, "/latest/api/token", "X-metadata-token-ttl-seconds", "21600");
    assertThat(issued.status()).isEqualTo(200);
    assertThat(issued.ttl()).isEqualTo("21600");
    assertThat(get("/latest/meta-data/ami-id", "X-metadata-token", issued.body()).body())
        .isEqualTo("ami-87654321");
    assertThat(get("/latest/meta-data/ami-id", "x-aws-ec2-metadata-token", issued.body()).status())
        .isEqualTo(200);
    assertThat(counter("rx_no_token")).isEqualTo(1);
    assertThat(counter("rx_invalid_token")).isEqualTo(1);
  }

  @Test
  void tokenRequestsFollowFirecrackersRules() {
    assertThat(call(HttpMethod.PUT, "/latest/api/token").body())
        .startsWith("Token time to live value not found.");
    assertThat(
            call(HttpMethod.PUT, "/latest/api/token", "X-metadata-token-ttl-seconds", "0").body())
        .isEqualTo(
            "Invalid time to live value provided for token: 0. Please provide a value between 1"
                + " and 21600.");
    assertThat(
            call(HttpMethod.PUT, "/latest/api/token", "X-metadata-token-ttl-seconds", "21601")
                .status())
        .isEqualTo(400);
    assertThat(
            call(HttpMethod.PUT, "/latest/api/token", "X-metadata-token-ttl-seconds", "ten").body())
        .contains("Invalid value. Key:X-metadata-token-ttl-seconds; Value:ten");
    assertThat(
            call(
                    HttpMethod.PUT,
                    "/latest/api/token",
                    "X-metadata-token-ttl-seconds",
                    "60",
                    "X-Forwarded-For",
                    "1.2.3.4")
                .status())
        .isEqualTo(400);
    assertThat(call(HttpMethod.PUT, "/latest/other", "X-metadata-token-ttl-seconds", "60").status())
        .isEqualTo(404);
    Reply aws =
        call(HttpMethod.PUT, "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds", "5");
    assertThat(aws.status()).isEqualTo(200);
    assertThat(call(HttpMethod.POST, "/latest"))
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(405);
              assertThat(r.allow()).isEqualTo("GET, PUT");
            });
  }
}
