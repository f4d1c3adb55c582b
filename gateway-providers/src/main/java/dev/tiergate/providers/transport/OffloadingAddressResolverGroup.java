package dev.tiergate.providers.transport;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Resolves host names with the JDK resolver on a small dedicated pool, so the blocking lookup
 * never runs on an event loop. The promise completes back on the loop.
 */
final class OffloadingAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {
    static final OffloadingAddressResolverGroup INSTANCE = new OffloadingAddressResolverGroup();

    private static final ExecutorService LOOKUPS = newLookupPool();

    private OffloadingAddressResolverGroup() {
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new Resolver(executor).asAddressResolver();
    }

    private static ExecutorService newLookupPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("tiergate-dns", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static final class Resolver extends InetNameResolver {
        Resolver(EventExecutor executor) {
            super(executor);
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            LOOKUPS.execute(() -> {
                try {
                    promise.trySuccess(InetAddress.getByName(host));
                } catch (UnknownHostException | RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            LOOKUPS.execute(() -> {
                try {
                    promise.trySuccess(Arrays.asList(InetAddress.getAllByName(host)));
                } catch (UnknownHostException | RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        }
    }
}
