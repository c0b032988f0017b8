package org.msrptools.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback whose way back (from the target to the client) is
 * a delay line: every byte reaches the client {@code delayMillis} after the
 * target sent it, in order, as over a long path; the way there is not
 * delayed. TLS passes through it untouched. It can also stall the
 * connections open so far, as a network that lost them silently does:
 * they stay open, and nothing more passes either way; new ones work.
 */
public final class DelayingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final long delayMillis;
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Connections numbered below this pass nothing more. */
    private volatile int stalledBelow;

    public DelayingProxy(int targetPort, long delayMillis) throws IOException {
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.delayMillis = delayMillis;
        daemon(this::accept, "proxy-accept");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on the connections open so far pass nothing more, and are not closed. */
    public void stallOpenConnections() {
        stalledBelow = accepted.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                int number = accepted.getAndIncrement();
                daemon(() -> copy(client, target, number), "proxy-there");
                BlockingQueue<Piece> line = new LinkedBlockingQueue<>();
                daemon(() -> read(target, line), "proxy-back-read");
                daemon(() -> deliver(line, client, number), "proxy-back-write");
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Bytes read, and when they may go on (an empty piece: the end). */
    private record Piece(long due, byte[] bytes) {
    }

    private void copy(Socket from, Socket to, int number) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (number >= stalledBelow) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            closeQuietly(to);
        }
    }

    private void read(Socket from, BlockingQueue<Piece> line) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                line.add(new Piece(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis),
                        Arrays.copyOf(buf, n)));
            }
        } catch (IOException e) {
            // closed
        }
        line.add(new Piece(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), new byte[0]));
    }

    private void deliver(BlockingQueue<Piece> line, Socket to, int number) {
        try (OutputStream out = to.getOutputStream()) {
            while (true) {
                Piece p = line.take();
                TimeUnit.NANOSECONDS.sleep(Math.max(0, p.due - System.nanoTime()));
                if (p.bytes.length == 0) {
                    return;
                }
                if (number < stalledBelow) {
                    continue; // lost on the way, and the connection kept
                }
                out.write(p.bytes);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            closeQuietly(to);
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(DelayingProxy::closeQuietly);
    }
}
