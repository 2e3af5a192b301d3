package dev.modelyard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The floor of a JVM proxy whose event loop also makes the backend call: each client connection is
 * paired with one backend connection on the same event loop, and a request crosses no thread. It
 * parses HTTP both ways and nothing else (no authentication, cache or routing). Run in its own JVM,
 * with the gateway's options, by {@link GatewayLatencyBenchmark}: what it adds over calling the
 * backend directly is what the JVM, its collector and this machine cost a request path without
 * hand-offs between threads.
 *
 * <p>Usage: {@code EventLoopProxy <port> <backend-port>}.
 */
public final class EventLoopProxy {

  private static final int MAX_BODY = 1 << 20;

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    int backendPort = Integer.parseInt(args[1]);
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
    new ServerBootstrap()
        .group(loops)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel client) {
                client
                    .pipeline()
                    .addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(MAX_BODY),
                        new Front(backendPort));
              }
            })
        .bind("127.0.0.1", port)
        .sync()
        .channel()
        .closeFuture()
        .sync();
  }

  /** One client connection: its requests go to its own backend connection, answers come back. */
  private static final class Front extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final int backendPort;
    private final Queue<FullHttpRequest> beforeConnected = new ArrayDeque<>();
    private Channel backend;

    Front(int backendPort) {
      super(false);
      this.backendPort = backendPort;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
      Channel client = context.channel();
      new Bootstrap()
          .group(client.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                  channel
                      .pipeline()
                      .addLast(
                          new HttpClientCodec(),
                          new HttpObjectAggregator(MAX_BODY),
                          new SimpleChannelInboundHandler<FullHttpResponse>(false) {
                            @Override
                            protected void channelRead0(
                                ChannelHandlerContext backendContext, FullHttpResponse answer) {
                              client.writeAndFlush(answer);
                            }
                          });
                }
              })
          .connect("127.0.0.1", backendPort)
          .addListener(
              (ChannelFutureListener)
                  connected -> {
                    if (!connected.isSuccess()) {
                      client.close();
                      return;
                    }
                    backend = connected.channel();
                    for (FullHttpRequest request; (request = beforeConnected.poll()) != null; ) {
                      backend.writeAndFlush(request);
                    }
                  });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
      if (backend == null) {
        beforeConnected.add(request);
      } else {
        backend.writeAndFlush(request);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      if (backend != null) {
        backend.close();
      }
    }
  }
}
