package dev.updraft.mesh.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.mesh.balance.FailFastException;
import dev.updraft.mesh.edge.EdgeException;
import dev.updraft.mesh.http.ScriptedStack.Call;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client-side handler on an EmbeddedChannel, with a scripted stack: which requests start calls,
 * what body reaches them, and what the client gets.
 */
class DownstreamHandlerTest {
  private final ScriptedStack stack = ScriptedStack.create();
  private final List<Call> calls = stack.calls;

  private EmbeddedChannel channel(boolean routed) {
    EmbeddedChannel ch = new EmbeddedChannel(reads, new DownstreamHandler(stack.context(routed)));
    ch.config().setAutoRead(false); // as a listener's connections: reads are the handler's
    return ch;
  }

  /** Counts the reads the handler asks for, on every channel of a test. */
  @ChannelHandler.Sharable
  private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void read(ChannelHandlerContext ctx) {
      count++;
      ctx.read();
    }
  }

  private final ReadCounter reads = new ReadCounter();

  private static HttpRequest get(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  private static HttpRequest chunkedPost() {
    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    post.headers().set("transfer-encoding", "chunked");
    return post;
  }

  @Test
  void aRequestNoRouteTakesGets404WithTheProxyError() {
    EmbeddedChannel ch = channel(false);
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/nowhere"));
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(response.headers().get(ProxyError.HEADER)).isEqualTo("no route for GET /nowhere");
    assertThat(ch.isOpen()).as("a 404 keeps the connection").isTrue();
    response.release();
  }

  @Test
  void grpcClientsGetATrailersOnlyAnswer() {
    EmbeddedChannel ch = channel(false);
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/svc/M");
    request.headers().set("content-type", "application/grpc");
    ch.writeInbound(request);
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("grpc-status")).isEqualTo("12");
    response.release();
  }

  @Test
  void malformedRequestsAreRejectedAndTheConnectionClosed() {
    EmbeddedChannel ch = channel(false);
    HttpRequest bad = get("/");
    bad.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("too many headers")));
    ch.writeInbound(bad);
    ch.runPendingTasks();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(431);
    assertThat(response.headers().get("connection")).isEqualTo("close");
    assertThat(ch.isOpen()).isFalse();
    response.release();
  }

  @Test
  void theBodyOfAnUnroutedRequestIsDropped() {
    EmbeddedChannel ch = channel(false);
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"));
    LastHttpContent body = new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
    ch.writeInbound(body);
    assertThat(body.refCnt()).as("released").isZero();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(404);
    response.release();
  }

  @Test
  void aBodylessRequestsEndMarkerStaysWithTheProxy() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(get("/"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(calls).hasSize(1);
    assertThat(calls.getFirst().exchange.hasBody()).isFalse();
    assertThat(calls.getFirst().body).as("a GET has no body to forward").isEmpty();
    calls.getFirst().answer(200);
    HttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(200);
    ch.releaseOutbound();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void theNextRequestIsReadWhileAReadRequestIsAnswered() {
    EmbeddedChannel ch = channel(true);
    int before = reads.count;
    ch.writeInbound(get("/"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(calls).hasSize(1);
    assertThat(reads.count)
        .as("a read stays pending, so epoll keeps the socket in its interest set")
        .isEqualTo(before + 1);
    ch.writeInbound(get("/second"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(calls).as("the second waits for the first").hasSize(1);
    assertThat(reads.count).as("a pipelining client gains one read, no more").isEqualTo(before + 1);
    calls.getFirst().answer(200);
    assertThat(calls).hasSize(2);
    ch.releaseOutbound();
  }

  @Test
  void nothingIsReadAheadOfABodyOrATunnel() {
    EmbeddedChannel ch = channel(true);
    int before = reads.count;
    ch.writeInbound(chunkedPost());
    assertThat(reads.count).as("the body is read when the call asks for it").isEqualTo(before);
    calls.getFirst().up.readRequest();
    assertThat(reads.count).isEqualTo(before + 1);
    ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("x".getBytes())));
    assertThat(reads.count).as("the body ended: the next request").isEqualTo(before + 2);
    calls.getFirst().body.forEach(HttpContent::release);

    EmbeddedChannel upgrade = channel(true);
    before = reads.count;
    HttpRequest websocket = get("/ws");
    websocket.headers().set("connection", "upgrade").set("upgrade", "websocket");
    upgrade.writeInbound(websocket, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(reads.count).as("the bytes after an upgrade belong to the tunnel").isEqualTo(before);
  }

  @Test
  void aChunkedBodyThatBreaksOffCancelsTheCallAndGets400() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(
        chunkedPost(), new DefaultHttpContent(Unpooled.copiedBuffer("hello".getBytes())));
    Call call = calls.getFirst();
    assertThat(call.exchange.hasBody()).isTrue();
    assertThat(call.body).hasSize(1);
    LastHttpContent broken = new DefaultLastHttpContent();
    broken.setDecoderResult(DecoderResult.failure(new NumberFormatException("chunk size: zz")));
    ch.writeInbound(broken);
    assertThat(call.cancelled).isInstanceOf(CancelledByClient.class);
    assertThat(call.body).as("the broken end never reaches the backend").hasSize(1);
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(ch.isOpen()).isFalse();
    response.release();
    call.body.forEach(HttpContent::release);
  }

  @Test
  void anEdgeRefusalMidBodyCancelsTheCallAndAnswersItsStatus() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(
        chunkedPost(), new DefaultHttpContent(Unpooled.copiedBuffer("hello".getBytes())));
    Call call = calls.getFirst();
    // What RequestGuard sends when a later read breaks the body.
    ch.pipeline().fireExceptionCaught(new EdgeException(400, "malformed request body: zz"));
    assertThat(call.cancelled).isInstanceOf(CancelledByClient.class);
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(response.headers().get(ProxyError.HEADER)).isEqualTo("malformed request body: zz");
    assertThat(ch.isOpen()).isFalse();
    response.release();
    call.body.forEach(HttpContent::release);
  }

  @Test
  void anEdgeRefusalAfterTheResponseBeganCutsTheConnectionWithoutASecondResponse() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(chunkedPost());
    Call call = calls.getFirst();
    call.up.responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    ch.flushOutbound();
    HttpResponse head = ch.readOutbound();
    assertThat(head.status().code()).isEqualTo(200);
    ch.pipeline().fireExceptionCaught(new EdgeException(408, "request body stalled"));
    assertThat(call.cancelled).isInstanceOf(CancelledByClient.class);
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void anEdgeRefusalOfABodyAfterALocalAnswerOnlyCloses() {
    EmbeddedChannel ch = channel(false);
    ch.writeInbound(chunkedPost());
    FullHttpResponse notFound = ch.readOutbound();
    assertThat(notFound.status().code()).isEqualTo(404);
    notFound.release();
    ch.pipeline().fireExceptionCaught(new EdgeException(400, "malformed request body: zz"));
    assertThat(ch.<Object>readOutbound()).as("one response per request").isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aClientThatClosesCancelsItsCall() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(chunkedPost());
    ch.close();
    assertThat(calls.getFirst().cancelled).isInstanceOf(CancelledByClient.class);
  }

  @Test
  void pipelinedRequestsWaitForTheResponseBeforeThem() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(
        get("/1"),
        LastHttpContent.EMPTY_LAST_CONTENT,
        get("/2"),
        LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(calls).hasSize(1);
    calls.getFirst().answer(200);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).exchange.request().uri()).isEqualTo("/2");
    ch.releaseOutbound();
  }

  @Test
  void aFailureBeforeAnyResponseKeepsABodylessRequestsConnection() {
    stack.onStart = call -> call.up.fail(new FailFastException("b", 300));
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(get("/1"), LastHttpContent.EMPTY_LAST_CONTENT);
    FullHttpResponse failFast = ch.readOutbound();
    assertThat(failFast.status().code()).isEqualTo(504);
    assertThat(failFast.headers().get(ProxyError.HEADER)).contains("fail-fast");
    failFast.release();
    assertThat(ch.isOpen()).isTrue();
    ch.writeInbound(get("/2"), LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(calls).hasSize(2);
    ch.releaseOutbound();
  }

  @Test
  void aResponseThatEndsWhileTheBodyIsComingClosesTheConnection() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(chunkedPost(), new DefaultHttpContent(Unpooled.copiedBuffer("a".getBytes())));
    calls.getFirst().answer(413);
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.releaseOutbound();
    calls.getFirst().body.forEach(HttpContent::release);
  }

  @Test
  void aFailureAfterTheResponseBeganCutsTheConnection() {
    EmbeddedChannel ch = channel(true);
    ch.writeInbound(get("/"), LastHttpContent.EMPTY_LAST_CONTENT);
    Call call = calls.getFirst();
    call.up.responseHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    call.up.fail(new UpstreamException("reset", false, null));
    assertThat(ch.isOpen()).isFalse();
    ch.releaseOutbound();
  }
}
