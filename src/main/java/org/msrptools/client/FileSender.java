package org.msrptools.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.msrptools.protocol.ByteRange;
import org.msrptools.protocol.ContentDisposition;
import org.msrptools.protocol.Continuation;
import org.msrptools.protocol.MsrpContent;
import org.msrptools.protocol.MsrpEnd;
import org.msrptools.protocol.MsrpFrame;
import org.msrptools.protocol.MsrpFrameError;
import org.msrptools.protocol.MsrpHeaders;
import org.msrptools.protocol.MsrpMethod;
import org.msrptools.protocol.MsrpPath;
import org.msrptools.protocol.MsrpRequest;
import org.msrptools.protocol.MsrpResponse;
import org.msrptools.protocol.MsrpSyntaxException;
import org.msrptools.protocol.RandomIds;
import org.msrptools.protocol.Status;
import org.msrptools.protocol.TransactionId;

/**
 * Sends one file as one MSRP message in chunks, reading the file as it
 * goes: at most {@code window} chunks unanswered, and none while the
 * connection is not writable, so memory stays flat and the slowest hop sets
 * the pace. Done when the peer's success REPORT covers the whole file; a
 * peer that sends no REPORT (the original receiver) is waited for a short
 * while after the last chunk was accepted.
 */
public final class FileSender implements MsrpConnection.Listener {

    /** What was sent: bytes, SHA-256, and whether the peer confirmed delivery. */
    public record Result(long bytes, String sha256, boolean confirmed) {
    }

    private final Authentication.Session session;
    private final MsrpPath toPath;
    private final FileChannel file;
    private final long total;
    private final ContentDisposition disposition;
    private final String contentType;
    private final String messageId = RandomIds.messageId();
    private final int chunkSize;
    private final int window;
    private final Duration reportWait;
    private final Progress progress;
    private final MessageDigest sha256;
    private final Completion<Result> completion = new Completion<>();
    private final Map<String, Long> unanswered = new HashMap<>();
    private long position;
    private long acknowledged;
    private boolean started;
    private boolean allAccepted;

    public FileSender(Authentication.Session session, MsrpPath destination, Path path, String name,
                      String contentType, int chunkSize, int window, Duration reportWait, Progress progress)
            throws ClientException {
        this.session = session;
        this.toPath = session.usePath().concat(destination);
        this.chunkSize = chunkSize;
        this.window = window;
        this.reportWait = reportWait;
        this.progress = progress;
        try {
            this.file = FileChannel.open(path, StandardOpenOption.READ);
            this.total = file.size();
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (IOException e) {
            throw new ClientException(ClientException.Kind.LOCAL_FILE, "cannot read " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.disposition = ContentDisposition.attachment(name);
        this.contentType = contentType;
    }

    /** Sends the file and waits until it is confirmed or fails. */
    public Result send(Duration idleTimeout) throws ClientException, InterruptedException {
        progress.start(total);
        session.connection().listener(this);
        Channel ch = session.connection().channel();
        ch.eventLoop().execute(this::pump);
        try {
            return completion.await(idleTimeout, "sending");
        } finally {
            progress.finish();
            try {
                file.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
    }

    /** On the connection's thread: send chunks while the window and the socket allow. */
    private void pump() {
        Channel ch = session.connection().channel();
        try {
            while (!completion.isDone() && unanswered.size() < window && ch.isWritable()
                    && (position < total || !started)) {
                sendChunk(ch);
            }
        } catch (IOException e) {
            completion.fail(new ClientException(ClientException.Kind.LOCAL_FILE, "cannot read the file: " + e.getMessage(), e));
        }
    }

    private void sendChunk(Channel ch) throws IOException {
        started = true;
        int length = (int) Math.min(chunkSize, total - position);
        ByteBuf data = ch.alloc().directBuffer(Math.max(length, 1));
        try {
            while (data.readableBytes() < length) {
                int n = data.writeBytes(file, position + data.readableBytes(), length - data.readableBytes());
                if (n < 0) {
                    throw new IOException("file shrank while being sent");
                }
            }
        } catch (IOException e) {
            data.release();
            throw e;
        }
        sha256.update(data.nioBuffer());
        String tid = TransactionId.randomAvoiding(data);
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaders.MESSAGE_ID, messageId)
                .add(MsrpHeaders.BYTE_RANGE, ByteRange.ofChunk(position + 1, length, total))
                .add(MsrpHeaders.SUCCESS_REPORT, "yes")
                .add(MsrpHeaders.FAILURE_REPORT, "yes")
                .add(MsrpHeaders.CONTENT_DISPOSITION, disposition)
                .add(MsrpHeaders.CONTENT_TYPE, contentType);
        position += length;
        boolean last = position >= total;
        unanswered.put(tid, (long) length);
        session.connection().send(new MsrpRequest(tid, MsrpMethod.SEND, toPath, MsrpPath.of(session.ownUri()), h),
                new MsrpContent(data), new MsrpEnd(tid, last ? Continuation.COMPLETE : Continuation.MORE));
    }

    @Override
    public void frame(MsrpFrame frame) {
        completion.activity();
        if (frame instanceof MsrpContent c) {
            c.release();
        } else if (frame instanceof MsrpResponse r) {
            onResponse(r);
        } else if (frame instanceof MsrpRequest r && MsrpMethod.REPORT.equals(r.method())) {
            onReport(r);
        } else if (frame instanceof MsrpRequest r && !MsrpMethod.REPORT.equals(r.method())) {
            // A sender accepts no messages; say so if an answer is wanted.
            if (!"no".equals(r.headers().failureReport())) {
                MsrpResponse no = r.respond(403, "This end only sends");
                session.connection().send(no, new MsrpEnd(no.transactionId(), Continuation.COMPLETE));
            }
        } else if (frame instanceof MsrpFrameError e) {
            completion.fail(new ClientException(ClientException.Kind.TRANSFER,
                    "the relay sent invalid MSRP: " + e.cause().getMessage()));
        }
    }

    private void onResponse(MsrpResponse r) {
        Long length = unanswered.remove(r.transactionId());
        if (length == null) {
            return; // a second answer to the same chunk (some relays answer twice)
        }
        if (r.code() != 200) {
            completion.fail(new ClientException(ClientException.Kind.TRANSFER, "the transfer was refused: "
                    + r.code() + (r.comment() == null ? "" : " " + r.comment())));
            return;
        }
        acknowledged += length;
        progress.update(acknowledged);
        if (position >= total && unanswered.isEmpty() && !allAccepted) {
            allAccepted = true;
            session.connection().channel().eventLoop().schedule(
                    () -> completion.complete(new Result(total, hex(), false)),
                    reportWait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        pump();
    }

    private void onReport(MsrpRequest report) {
        if (!messageId.equals(report.headers().messageId())) {
            return;
        }
        Status status;
        ByteRange range;
        try {
            status = report.headers().status();
            range = report.headers().byteRange();
        } catch (MsrpSyntaxException e) {
            return;
        }
        if (status == null) {
            return;
        }
        if (status.code() != 200) {
            completion.fail(new ClientException(ClientException.Kind.TRANSFER, "the peer reported failure: "
                    + status.code() + (status.comment() == null ? "" : " " + status.comment())));
        } else if (range == null || range.start() == 1 && range.end() >= total) {
            progress.update(total);
            completion.complete(new Result(total, hex(), true));
        }
    }

    private String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void writable() {
        pump();
    }

    @Override
    public void closed() {
        completion.fail(new ClientException(ClientException.Kind.CONNECTION,
                "the connection to the relay was lost after " + acknowledged + " of " + total + " bytes"));
    }
}
