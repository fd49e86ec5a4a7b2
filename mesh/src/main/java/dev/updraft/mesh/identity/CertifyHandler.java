package dev.updraft.mesh.identity;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * {@code POST /v1/certify}: parses the request, lets the token verifier prove the identity (on a
 * virtual thread, as a TokenReview is a blocking call), and answers with the signed chain. 400 for
 * a malformed request or CSR, 403 for a token that does not prove the identity asked for.
 */
@ChannelHandler.Sharable
final class CertifyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String PATH = "/v1/certify";

  private final Supplier<CertificateAuthority> ca;
  private final TokenVerifier verifier;
  private final ExecutorService work;

  CertifyHandler(Supplier<CertificateAuthority> ca, TokenVerifier verifier, ExecutorService work) {
    this.ca = ca;
    this.verifier = verifier;
    this.work = work;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.uri().equals(PATH)) {
      respond(
          ctx,
          HttpResponseStatus.NOT_FOUND,
          CertifyResponse.error("no such path (expected: " + PATH + ")"));
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, CertifyResponse.error("expected: POST"));
      return;
    }
    byte[] body = ByteBufUtil.getBytes(request.content());
    work.execute(() -> certify(ctx, body));
  }

  private void certify(ChannelHandlerContext ctx, byte[] body) {
    CertifyRequest request;
    try {
      request = CertifyRequest.parse(body);
    } catch (IdentityException e) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, CertifyResponse.error(e.getMessage()));
      return;
    }
    WorkloadName proven;
    try {
      proven = verifier.verify(request.token(), request.identity());
    } catch (IdentityException e) {
      respond(ctx, HttpResponseStatus.FORBIDDEN, CertifyResponse.error(e.getMessage()));
      return;
    }
    try {
      byte[] answer = new CertifyResponse(ca.get().certify(request.csr(), proven)).toJson();
      respond(ctx, HttpResponseStatus.OK, answer);
    } catch (IdentityException e) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, CertifyResponse.error(e.getMessage()));
    }
  }

  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] json) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
